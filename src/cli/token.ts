/**
 * `token rotate`: a new bearer token for the shared HTTP server. The agent configs `init --http`
 * wrote it into are updated in place (comments kept, backup written, 0600), and a running server
 * switches to the new token at once (it re-reads http.json when the file changes).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { HOSTS, HOST_IDS, readHttpState, readServerEntries, SERVER_NAME, upsertServerEntry, writeHttpState, type HttpState, type JsonObject } from '../registration';
import { parseArgs, UsageError } from './args';

/** Replaces `Bearer old` by `Bearer new` in the daytona entry of one config; false when it holds another value. */
async function updateConfig(path: string, oldToken: string, newToken: string): Promise<boolean> {
  for (const topKey of new Set(HOST_IDS.map((h) => HOSTS[h].topKey))) {
    const entry = (await readServerEntries(path, topKey))[SERVER_NAME] as JsonObject | undefined;
    const headers = entry?.headers as Record<string, unknown> | undefined;
    if (!entry || headers?.Authorization !== `Bearer ${oldToken}`) continue;
    await upsertServerEntry({ path, topKey, name: SERVER_NAME, entry: { ...entry, headers: { ...headers, Authorization: `Bearer ${newToken}` } }, secret: true });
    return true;
  }
  return false;
}

/**
 * A new token in http.json and in every agent config `init --http` wrote it into. Also run by each
 * `start --http`: a token an agent sent while the server was down (to whoever held the port then)
 * is worthless once the server runs.
 */
export async function rotateHttpToken(state: HttpState, why: string): Promise<{ token: string; updated: string[]; skipped: string[] }> {
  const token = randomBytes(32).toString('base64url');
  const updated: string[] = [];
  const skipped: string[] = [];
  for (const path of state.configs ?? []) {
    if (!existsSync(path)) continue;
    try {
      (await updateConfig(path, state.token, token) ? updated : skipped).push(path);
    } catch (err) {
      skipped.push(`${path} (${(err as Error).message})`);
    }
  }
  writeHttpState({ ...state, token, rotatedAt: new Date().toISOString(), rotatedWhy: why, configs: [...updated, ...skipped.filter((p) => existsSync(p))] });
  return { token, updated, skipped };
}

export async function tokenCommand(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv, { flags: [], values: [] });
  if (args.positionals[0] !== 'rotate' || args.positionals.length !== 1) throw new UsageError('Usage: daytona-mcp token rotate');
  const state = readHttpState();
  if (!state) throw new UsageError('The shared HTTP server is not set up yet (no ~/.daytona/mcp/http.json); nothing to rotate.');
  const { updated, skipped } = await rotateHttpToken(state, 'token rotate');
  const lines = [
    'New bearer token written to ~/.daytona/mcp/http.json (0600); the old one no longer works.',
    updated.length ? `Updated ${updated.length} agent config(s):\n${updated.map((p) => `  ${p}`).join('\n')}` : 'No agent config we wrote holds the token.',
    ...(skipped.length ? [`Not updated (the entry changed since init; run init --http again there):\n${skipped.map((p) => `  ${p}`).join('\n')}`] : []),
    state.pid ? 'The running server uses the new token now; reload your agents so they pick up their config.' : 'Start the server with "daytona-mcp start --http".',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
