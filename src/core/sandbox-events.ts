/**
 * The Daytona API's live event stream, as the SDK itself subscribes to it: socket.io at
 * `<apiUrl>/socket.io/`, websocket transport, the key or JWT in the handshake (a JWT names its
 * organisation with the `organizationId` query). Events reach the organisation's room:
 * `sandbox.created` (the sandbox), `sandbox.state.updated` {sandbox, oldState, newState} and
 * `sandbox.desired-state.updated` {sandbox, …}. Label, public and interval changes send nothing, so
 * whoever keeps a list still needs a rare full read. socket.io-client is the SDK's own dependency.
 */
import type { Credentials } from './credentials';
import { toSandboxDetails } from './sdk-gateway';
import type { SandboxDetails } from './types';

export interface SandboxEventHandlers {
  /** A sandbox as the event carried it (state `destroyed` when it is gone). */
  onSandbox(sandbox: SandboxDetails): void;
  /** Connected, or connected again after a drop: events may have been missed meanwhile. */
  onConnected(): void;
  /** The stream is down (not offered, blocked, dropped); it retries with backoff (see RETRY). */
  onDisconnected(): void;
  /**
   * The stream stopped for good: the server refused the handshake (`refused`: the key, as a rule — the
   * real API answers `Unauthorized` to any it cannot verify; a request will say), or it did not connect
   * in RETRY.attempts tries (`gave-up`). Only a new open tries again.
   */
  onStopped?(reason: 'refused' | 'gave-up'): void;
}

/** Reconnection backoff: 1 s doubling to 30 s (socket.io adds ±50 %), at most 10 tries in a row (about 3 min). */
export interface RetryOptions {
  delayMs: number;
  maxDelayMs: number;
  attempts: number;
}
const RETRY: RetryOptions = { delayMs: 1_000, maxDelayMs: 30_000, attempts: 10 };

export interface SandboxEventStream {
  readonly connected: boolean;
  close(): void;
}

export type OpenSandboxEvents = (handlers: SandboxEventHandlers) => Promise<SandboxEventStream | undefined>;

const EVENTS = ['sandbox.created', 'sandbox.state.updated', 'sandbox.desired-state.updated'] as const;

/** The sandbox in an event: the payload itself (created) or its `sandbox` field (updates). */
export function sandboxOfEvent(payload: unknown): SandboxDetails | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const o = payload as Record<string, unknown>;
  const dto = (o.sandbox && typeof o.sandbox === 'object' ? o.sandbox : o) as Record<string, unknown>;
  if (typeof dto.id !== 'string' || !dto.id) return undefined;
  const details = toSandboxDetails(dto as unknown as Parameters<typeof toSandboxDetails>[0]);
  // The new state travels beside the sandbox too; prefer it (the entity may be serialised before the change).
  if (typeof o.newState === 'string' && o.newState === 'destroyed') return { ...details, state: 'destroyed' };
  return details;
}

/** Opens the stream for these credentials; undefined when they hold nothing to authenticate with. */
export async function openSandboxEvents(c: Credentials, h: SandboxEventHandlers, retry: RetryOptions = RETRY): Promise<SandboxEventStream | undefined> {
  const token = c.apiKey ?? c.jwtToken;
  if (!token) return undefined;
  const { io } = await import('socket.io-client');
  const url = new URL(c.apiUrl);
  const socket = io(url.origin, {
    path: `${url.pathname.replace(/\/$/, '')}/socket.io/`,
    transports: ['websocket'],
    auth: { token },
    query: !c.apiKey && c.organizationId ? { organizationId: c.organizationId } : {},
    reconnection: true,
    reconnectionDelay: retry.delayMs,
    reconnectionDelayMax: retry.maxDelayMs,
    reconnectionAttempts: retry.attempts,
  });
  let stopped = false;
  /** A reconnect after a server-side disconnect, waiting out its backoff. */
  let redial: ReturnType<typeof setTimeout> | undefined;
  const gaveUp = (): void => stop('gave-up');
  /** Ends the stream for good: no handler is called after this. */
  const shutdown = (): void => {
    stopped = true;
    if (redial) clearTimeout(redial);
    socket.removeAllListeners();
    socket.io.off('reconnect_failed', gaveUp);
    socket.disconnect();
  };
  const stop = (reason: 'refused' | 'gave-up'): void => {
    if (stopped) return;
    shutdown();
    h.onStopped?.(reason);
  };
  let connected = false;
  let connectedAt = 0;
  /** Server-side disconnects in a row of connections shorter than the longest backoff. */
  let drops = 0;
  socket.on('connect', () => {
    connected = true;
    connectedAt = Date.now();
    h.onConnected();
  });
  const down = (): void => {
    const was = connected;
    connected = false;
    if (was) h.onDisconnected();
  };
  socket.on('disconnect', (reason) => {
    down();
    // socket.io retries everything but a server-side disconnect by itself. That one we retry with the
    // same backoff: a server that drops every connection at once must not be redialled in a loop (each
    // connect starts a catch-up read), and after as many short connections in a row it counts as gone.
    if (reason !== 'io server disconnect') return;
    drops = Date.now() - connectedAt >= retry.maxDelayMs ? 1 : drops + 1;
    if (drops > retry.attempts) return stop('gave-up');
    redial = setTimeout(() => {
      redial = undefined;
      if (!stopped) socket.connect();
    }, Math.min(retry.maxDelayMs, retry.delayMs * 2 ** (drops - 1)));
    redial.unref?.();
  });
  // Never connected (not offered, blocked): report once so the caller polls instead.
  let reportedFailure = false;
  socket.on('connect_error', () => {
    // Not active: the server answered the handshake and refused it (socket.io's own test). Retrying
    // the same key cannot help and spends the failed-auth budget: stop, let the caller ask the API.
    if (!socket.active) return stop('refused');
    if (!connected && !reportedFailure) {
      reportedFailure = true;
      h.onDisconnected();
    }
  });
  socket.io.on('reconnect_failed', gaveUp);
  for (const name of EVENTS) {
    socket.on(name, (payload: unknown) => {
      const sandbox = sandboxOfEvent(payload);
      if (sandbox) h.onSandbox(sandbox);
    });
  }
  return {
    get connected() {
      return connected;
    },
    close: shutdown,
  };
}
