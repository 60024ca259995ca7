/**
 * Hands tools a gateway for the current credentials. Credentials are re-read on every call (cheap:
 * environment plus small files), so a key fixed while the server runs takes effect on the next call
 * without a restart; the SDK client is rebuilt only when they actually changed.
 */
import type { Credentials } from './credentials';
import { apiUrlError, hasCredential } from './credentials';
import { ToolError } from './errors';
import type { DaytonaGateway, GatewayProvider } from './gateway';
import { registerSecrets } from './scrub';
import { createSdkGateway, type SdkGatewayOptions } from './sdk-gateway';

export interface GatewayProviderOptions extends Omit<SdkGatewayOptions, 'credentials'> {
  resolveCredentials: () => Credentials;
  /** Test seam and extension point: build a gateway for credentials. */
  create?: (opts: SdkGatewayOptions) => Promise<DaytonaGateway>;
}

/** What identifies a client. Kept in memory only, next to the credentials it is made of (no hash: node:crypto is not loaded for this). */
function fingerprint(c: Credentials): string {
  return JSON.stringify([c.apiKey, c.jwtToken, c.organizationId, c.apiUrl, c.target]);
}

export interface ManagedGatewayProvider {
  get: GatewayProvider;
  /** Current secrets, for log redaction. */
  secrets(): string[];
  dispose(): Promise<void>;
}

export function createGatewayProvider(o: GatewayProviderOptions): ManagedGatewayProvider {
  let current: { key: string; gateway: Promise<DaytonaGateway> } | undefined;
  let lastSecrets: string[] = [];
  const create = o.create ?? createSdkGateway;
  // Whatever key the gateway sent is what an API could echo back: every text leaving the process drops it.
  registerSecrets(() => lastSecrets);

  async function disposeCurrent(): Promise<void> {
    const old = current;
    current = undefined;
    if (old) await (await old.gateway.catch(() => undefined))?.dispose().catch(() => undefined);
  }

  return {
    async get() {
      const creds = o.resolveCredentials();
      lastSecrets = [creds.apiKey, creds.jwtToken].filter((s): s is string => Boolean(s));
      const badUrl = apiUrlError(creds);
      if (badUrl) throw badUrl; // before the SDK, whose own message is a bare "Invalid URL"
      if (creds.profileProblem) {
        throw new ToolError('auth', creds.profileProblem, { hint: 'Choose one of those profiles (--profile, DAYTONA_PROFILE or the editor setting "daytona.profile"), or log in with "daytona login".' });
      }
      if (!hasCredential(creds)) {
        throw new ToolError('auth', `No Daytona API key found (${creds.origin}).`);
      }
      const key = fingerprint(creds);
      if (current?.key !== key) {
        await disposeCurrent();
        const gateway = create({ ...o, credentials: creds });
        current = { key, gateway };
        gateway.catch(() => {
          if (current?.gateway === gateway) current = undefined; // let the next call try again
        });
      }
      return current.gateway;
    },
    // Also the key as configured right now: a call refused before it reached the gateway (invalid
    // input) must not log a key the agent pasted into its arguments.
    secrets: () => {
      let now: string[] = [];
      try {
        const c = o.resolveCredentials();
        now = [c.apiKey, c.jwtToken].filter((s): s is string => Boolean(s));
      } catch {
        // keep what the last call used
      }
      return [...new Set([...lastSecrets, ...now])];
    },
    dispose: disposeCurrent,
  };
}
