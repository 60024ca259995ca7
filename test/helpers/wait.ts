/** Waits until `cond` holds, polling; fails naming `what` after `ms` (a hang guard, not a timing assertion). */
export async function waitFor(cond: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
