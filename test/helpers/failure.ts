import assert from 'node:assert/strict';

/** The rejection of `p`, which must reject: its error, with whatever fields the thrower set. */
export async function failure(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  assert.fail('expected a rejection');
}
