/**
 * Builds the `daytona` server entry for a host's config file. (Recognising the official Daytona CLI
 * entry is official-entry.ts's.)
 */
import { RegistrationError } from './errors';
import { HOSTS, type HostId, type StdioServer } from './hosts';
import type { JsonObject } from './json';

export const SERVER_NAME = 'daytona';

export interface StdioEntryOptions {
  /** Node (or the editor's Electron binary together with runAsNode). */
  runtimePath: string;
  /** Absolute path of the bundled cli.js; should be a stable launcher, not a versioned extension folder. */
  serverPath: string;
  /** Arguments after serverPath; default ['start']. */
  args?: string[];
  /** Extra environment. Nothing secret is added unless the caller passes it here (explicit opt-in). */
  env?: Record<string, string>;
  /** Set ELECTRON_RUN_AS_NODE=1 so an Electron binary behaves as plain Node. */
  runAsNode?: boolean;
  /** Shape for this host's file; without it the host-neutral {command, args, env?} is returned. */
  hostId?: HostId;
}

export function buildStdioEntry(opts: StdioEntryOptions): JsonObject {
  const env = { ...(opts.runAsNode ? { ELECTRON_RUN_AS_NODE: '1' } : {}), ...opts.env };
  const server: StdioServer = { command: opts.runtimePath, args: [opts.serverPath, ...(opts.args ?? ['start'])] };
  if (Object.keys(env).length > 0) server.env = env;
  if (opts.hostId !== undefined) return HOSTS[opts.hostId].stdioEntry(server);
  return server.env === undefined ? { command: server.command, args: server.args } : { ...server, env: server.env };
}

export interface HttpEntryOptions {
  hostId: HostId;
  url: string;
  headers?: Record<string, string>;
}

export function buildHttpEntry(opts: HttpEntryOptions): JsonObject {
  const host = HOSTS[opts.hostId];
  const entry = host.httpEntry(opts.headers === undefined ? { url: opts.url } : { url: opts.url, headers: opts.headers });
  if (entry === undefined) {
    throw new RegistrationError(
      'unsupported',
      `${host.displayName} does not load remote MCP servers from its config file this way; register the local (stdio) server ` +
        `instead (leave out --http)${opts.hostId === 'claude' ? ', or add the URL in the app itself (Settings → Connectors)' : ''}.`,
    );
  }
  return entry;
}

/** `${env:NAME}` for hosts that expand it, so a secret can stay in the environment; else undefined. */
export function envReference(hostId: HostId, name: string): string | undefined {
  return HOSTS[hostId].supportsEnvInterpolation ? `\${env:${name}}` : undefined;
}
