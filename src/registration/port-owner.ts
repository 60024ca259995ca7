/**
 * Who listens on a loopback TCP port (Linux: /proc/net/tcp{,6}). Agents send the bearer token to
 * whatever answers at the shared server's port, so a server that finds its port held by another
 * user's process must refuse to start and say so, not leave agents talking to that process.
 */
import { readFileSync } from 'node:fs';

const LISTEN = '0A';

/** The uid of the process listening on `port`, or undefined when unknown (not Linux, no listener). */
export function listenerUid(port: number): number | undefined {
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 8 || cols[3] !== LISTEN) continue;
      const localPort = parseInt(cols[1]!.split(':')[1] ?? '', 16);
      if (localPort === port) return Number(cols[7]);
    }
  }
  return undefined;
}

/** A sentence for a port held by someone else, naming the other user when that is the case. */
export function describePortHolder(port: number): string {
  const uid = listenerUid(port);
  const mine = typeof process.getuid === 'function' ? process.getuid() : undefined;
  if (uid !== undefined && mine !== undefined && uid !== mine) {
    return `Port ${port} on 127.0.0.1 is held by a process of another user (uid ${uid}). Agents would send it your bearer token, ` +
      `so the server does not start. Find it with "ss -ltnp 'sport = :${port}'"; or use another port (start --http --port N, then init --http --port N) and run "daytona-mcp token rotate".`;
  }
  return `Port ${port} on 127.0.0.1 is taken by another program; pass --port N.`;
}
