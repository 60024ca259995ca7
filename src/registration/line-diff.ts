/** Shows what an edit of a config file changes (init --dry-run, the Init MCP preview). Pure text, no JSON. */

/**
 * A unified-style diff of one changed region (our edits touch one entry, so one hunk is enough),
 * with `context` unchanged lines around it.
 */
export function lineDiff(before: string, after: string, label: string, context = 2): string {
  const a = before.replace(/^\uFEFF/, '').split(/\r?\n/);
  const b = after.replace(/^\uFEFF/, '').split(/\r?\n/);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  if (head === a.length && head === b.length) return '';
  const from = Math.max(0, head - context);
  const aEnd = a.length - tail;
  const bEnd = b.length - tail;
  const to = Math.min(a.length, aEnd + context);
  const lines = [
    `--- ${label}`,
    `+++ ${label}`,
    `@@ -${from + 1},${to - from} +${from + 1},${to - from + (bEnd - aEnd)} @@`,
    ...a.slice(from, head).map((l) => ` ${l}`),
    ...a.slice(head, aEnd).map((l) => `-${l}`),
    ...b.slice(head, bEnd).map((l) => `+${l}`),
    ...a.slice(aEnd, to).map((l) => ` ${l}`),
  ];
  return lines.join('\n') + '\n';
}
