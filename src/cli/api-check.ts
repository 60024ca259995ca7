/**
 * One cheap API call (list one sandbox) that tells `status` and `init` whether the key and URL work,
 * classified into the cases a user fixes differently, each with its next step. Nothing here prints
 * or returns the key; messages name where it came from instead.
 */
import { apiUrlError, DEFAULT_API_URL, hasCredential, type Credentials } from '../core/credentials';
import { credentialsFilePath } from '../core/daytona-home';
import { toToolError, ToolError } from '../core/errors';
import { createGatewayProvider } from '../core/gateway-provider';

export type ApiOutcome = 'ok' | 'no_key' | 'invalid_url' | 'rejected' | 'unreachable' | 'failed';

export interface ApiCheck {
  outcome: ApiOutcome;
  /** One line for the report, e.g. "reachable, key accepted (40 ms)". */
  summary: string;
  /** What went wrong, in a sentence (absent when ok). */
  problem?: string;
  /** What to do about it (absent when ok). */
  next?: string;
  error?: ToolError;
  /** Round trip of the check call (ok only). */
  ms?: number;
}

function keysPage(c: Credentials): string {
  try {
    return `${new URL(c.apiUrl).origin}/dashboard/keys`;
  } catch {
    return `${new URL(DEFAULT_API_URL).origin}/dashboard/keys`;
  }
}

/** How to get a key where this CLI (and agents it registers) will find it. */
export function howToSetKey(c: Credentials): string {
  return (
    `create a key at ${keysPage(c)}, then either run "DAYTONA_API_KEY=<key> daytona-mcp init <agent>" ` +
    `(saves it, mode 0600, in ${credentialsFilePath()} for agents), or export DAYTONA_API_KEY=<key> in the ` +
    'shell or agent config that starts the server, or log in with the Daytona CLI ("daytona login").'
  );
}

/** How to replace a rejected key, depending on where it came from. */
function howToReplaceKey(c: Credentials): string {
  const deployment = ` If the key belongs to another Daytona deployment, point DAYTONA_API_URL at that deployment's API instead (now ${c.apiUrl}, from ${c.apiUrlOrigin ?? 'the default'}).`;
  switch (c.source) {
    case 'env':
      return `set DAYTONA_API_KEY to a valid key (create one at ${keysPage(c)}).${deployment}`;
    case 'credentials-file':
      return (
        `replace the saved key: run "DAYTONA_API_KEY=<new key> daytona-mcp init <agent>" (rewrites ${credentialsFilePath()}), ` +
        `or delete that file to fall back to your Daytona CLI login. Create a key at ${keysPage(c)}.${deployment}`
      );
    case 'daytona-cli':
      return `log in again with the Daytona CLI ("daytona login"), or set DAYTONA_API_KEY to a valid key (create one at ${keysPage(c)}).${deployment}`;
    default:
      return `set a valid key: ${howToSetKey(c)}`;
  }
}

export async function checkApi(creds: Credentials, requestTimeoutMs = 10_000): Promise<ApiCheck> {
  const badUrl = apiUrlError(creds);
  if (badUrl) return { outcome: 'invalid_url', summary: 'not checked (invalid URL)', problem: badUrl.message, next: badUrl.hint, error: badUrl };
  if (!hasCredential(creds)) {
    return { outcome: 'no_key', summary: 'not checked (no key)', problem: `No Daytona API key found (${creds.origin}).`, next: howToSetKey(creds) };
  }
  const provider = createGatewayProvider({ resolveCredentials: () => creds, requestTimeoutMs, retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 } });
  const t0 = Date.now();
  try {
    const gateway = await provider.get();
    await gateway.listPage({ limit: 1 });
    const ms = Date.now() - t0;
    return { outcome: 'ok', summary: `reachable, key accepted (${ms} ms)`, ms };
  } catch (err) {
    return classify(toToolError(err), creds);
  } finally {
    await provider.dispose();
  }
}

function classify(e: ToolError, c: Credentials): ApiCheck {
  const at = `the Daytona API at ${c.apiUrl}`;
  const summary = `${e.kind}: ${e.message}`;
  if (e.kind === 'auth') {
    return { outcome: 'rejected', summary, problem: sentence(`${capitalise(at)} rejected the API key from ${c.origin}: ${e.message}`), next: howToReplaceKey(c), error: e };
  }
  if ((e.kind === 'network' || e.kind === 'timeout') && e.status === undefined) {
    return {
      outcome: 'unreachable',
      summary,
      problem: sentence(`Could not reach ${at} (from ${c.apiUrlOrigin ?? 'the default'}): ${e.message}`),
      next: `check that URL (Daytona Cloud: https://app.daytona.io/api; self-hosted: https://<host>/api) and your network or proxy; ${
        // A chosen profile brings its own URL (DAYTONA_API_URL does not override it).
        c.profile && c.source === 'daytona-cli' ? `fix it in the Daytona CLI profile "${c.profile}" (daytona login).` : 'set DAYTONA_API_URL to use another URL.'
      }`,
      error: e,
    };
  }
  const wrongUrl = e.kind === 'not_found' || e.kind === 'invalid_input';
  return {
    outcome: 'failed',
    summary,
    problem: sentence(`${capitalise(at)} answered with an error (${e.kind}${e.status ? ` ${e.status}` : ''}): ${e.message}`),
    next: wrongUrl
      ? `check that ${c.apiUrl} (from ${c.apiUrlOrigin ?? 'the default'}) is the Daytona API itself; it usually ends in /api, e.g. https://app.daytona.io/api.`
      : e.hint,
    error: e,
  };
}

/** Ends with exactly one full stop, whatever the SDK's message ended with. */
function sentence(s: string): string {
  return `${s.replace(/[.\s]+$/, '')}.`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
