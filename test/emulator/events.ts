// The real API's live event stream (notification.gateway.ts): socket.io at `/api/socket.io/`,
// websocket transport only, `handshake.auth.token` = the API key or JWT. Every client of the
// organisation hears `sandbox.created` (the sandbox), `sandbox.state.updated` {sandbox, oldState,
// newState} and `sandbox.desired-state.updated` {sandbox, oldDesiredState, newDesiredState}. Labels,
// public and interval changes send nothing, as on the real server.
//
// The emulator computes transitions lazily from its clock, so while any client is connected a
// watcher reads the sandboxes every `watchMs` and emits what changed since its last look; a request
// that changed something (create, delete…) has it look at once, as the real server emits each change
// as it happens (a sandbox created and gone within one interval would otherwise send nothing).
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { SandboxDto } from './dto';
import type { SandboxRecord } from './types';

export interface EventStreamOptions {
  server: HttpServer;
  /** `/api/socket.io/` like the real server (the SDK derives it from the API URL). */
  path: string;
  isAuthorized(token: string): boolean;
  records(): SandboxRecord[];
  toDto(rec: SandboxRecord): SandboxDto;
  watchMs?: number;
}

export interface EventStream {
  /** Clients connected now. */
  clients(): number;
  /** Handshakes answered so far, refused ones included (a client that retries a refused key shows here). */
  handshakes(): number;
  /** Drops every client (they reconnect on their own, as after a server restart). */
  dropClients(): void;
  /** The emulator's sandboxes were replaced (reset): what it had before is no news to anyone. */
  rebaseline(): void;
  /** An API request changed the sandboxes: clients hear of it now, not at the next look. */
  changed(): void;
  /**
   * Disconnects clients from the server side (socket.io's "io server disconnect", which its client does
   * not retry by itself): those connected now, and with `always`, every later one right after it connects.
   */
  kickClients(opts?: { always?: boolean }): void;
  close(): Promise<void>;
}

interface Seen {
  state: string;
  desiredState: string;
  rec: SandboxRecord;
}

export function attachEventStream(o: EventStreamOptions): EventStream {
  const io = new Server(o.server, { path: o.path, transports: ['websocket'], serveClient: false });
  let handshakes = 0;
  io.use((socket, next) => {
    handshakes++;
    const token: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
    if (typeof token === 'string' && o.isAuthorized(token)) next();
    else next(new Error('Unauthorized'));
  });

  let seen = new Map<string, Seen>();
  let timer: NodeJS.Timeout | undefined;

  // Cheap at 10,000 sandboxes: states only; a DTO is rendered just for what changed.
  const look = (): Map<string, Seen> => new Map(o.records().map((rec) => [rec.id, { state: rec.state, desiredState: rec.desiredState, rec }]));

  const watch = (): void => {
    const now = look();
    for (const [id, cur] of now) {
      const before = seen.get(id);
      if (!before) {
        io.emit('sandbox.created', o.toDto(cur.rec));
        continue;
      }
      if (before.desiredState !== cur.desiredState) {
        io.emit('sandbox.desired-state.updated', { sandbox: o.toDto(cur.rec), oldDesiredState: before.desiredState, newDesiredState: cur.desiredState });
      }
      if (before.state !== cur.state) io.emit('sandbox.state.updated', { sandbox: o.toDto(cur.rec), oldState: before.state, newState: cur.state });
    }
    // Gone from the store: the deletion finished.
    for (const [id, before] of seen) {
      if (now.has(id)) continue;
      const dto = { ...o.toDto(before.rec), state: 'destroyed' } as SandboxDto;
      io.emit('sandbox.state.updated', { sandbox: dto, oldState: before.state, newState: 'destroyed' });
    }
    seen = now;
  };

  let kickAlways = false;
  io.on('connection', (socket) => {
    if (kickAlways) {
      socket.disconnect(true);
      return;
    }
    if (!timer) {
      seen = look();
      timer = setInterval(watch, o.watchMs ?? 100);
    } else {
      // The watcher is already running for other clients: say what changed since its last look now, so
      // this client's first events are about what happens after it connected (the real server emits
      // each change as it happens; a change seen only at the next look would be measured from a
      // snapshot older than the connection, and a sandbox that came and went meanwhile sent nothing).
      watch();
    }
    socket.on('disconnect', () => {
      if (io.engine.clientsCount === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    });
  });

  return {
    clients: () => io.engine.clientsCount,
    handshakes: () => handshakes,
    rebaseline: () => {
      if (timer) seen = look();
    },
    changed: () => {
      if (timer) watch();
    },
    kickClients: (opts = {}) => {
      kickAlways = opts.always ?? false;
      for (const socket of io.sockets.sockets.values()) socket.disconnect(true);
    },
    dropClients: () => {
      // A transport close, not a server-side disconnect: clients reconnect by themselves.
      for (const socket of io.sockets.sockets.values()) socket.conn.close();
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (timer) clearInterval(timer);
        timer = undefined;
        // io.close() also closes the HTTP server; the emulator closes that itself.
        io.disconnectSockets(true);
        io.engine.close();
        resolve();
      }),
  };
}
