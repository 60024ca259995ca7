/**
 * The README's performance table is written by the bench from its last full run (never by hand):
 * everything between the two markers below is replaced.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Row } from './report';

export const README_START = '<!-- bench:start (written by npm run bench; do not edit) -->';
export const README_END = '<!-- bench:end -->';
const MARK: Record<Row['verdict'], string> = { pass: '✓', fail: '✗', report: '', 'not measured': 'not measured' };

export function readmeTable(rows: readonly Row[], run: { when: string; load: string; commit: string }): string {
  const cell = (s: string | undefined) => (s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    `Latest full run: ${run.when}, commit ${run.commit}, load average ${run.load} (1 min, start / end).`,
    '',
    '| benchmark | metric | result | baseline | target |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${cell(r.bench)} | ${cell(r.metric)} | ${cell(r.value)}${r.ratio ? ` (${cell(r.ratio)})` : ''} | ${cell(r.baseline)} | ${cell(r.target)} ${MARK[r.verdict]} |`),
  ];
  return lines.join('\n');
}

/** Replaces the block between the markers; false when the README has no such block. */
export function writeReadmeTable(readmePath: string, table: string): boolean {
  const text = readFileSync(readmePath, 'utf8');
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) return false;
  writeFileSync(readmePath, `${text.slice(0, start + README_START.length)}\n${table}\n${text.slice(end)}`);
  return true;
}
