/**
 * Pages of sandboxes with filters the API cannot apply itself (name substring, idle time). Our
 * cursor remembers the API cursor of the page we stopped in and how far into it we got, so a
 * client-side filter never skips or repeats a sandbox between pages.
 */
import { throwIfAborted } from './async';
import { ToolError } from './errors';
import type { ApiListQuery, DaytonaGateway } from './gateway';
import type { SandboxDetails } from './types';

interface CursorState {
  /** API cursor of the page to (re)read; null = first page. */
  c: string | null;
  /** Items of that page already returned. */
  o: number;
  /** API page size used, so offsets stay valid. */
  p: number;
}

/** The API serves at most 200 per page; matching our page to the caller's limit avoids re-reads. */
export const MAX_API_PAGE_SIZE = 200;

function encodeCursor(s: CursorState): string {
  return Buffer.from(JSON.stringify(s)).toString('base64url');
}

function decodeCursor(cursor: string): CursorState {
  try {
    const s = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorState;
    if ((s.c === null || typeof s.c === 'string') && Number.isInteger(s.o) && s.o >= 0 && Number.isInteger(s.p) && s.p > 0) return s;
  } catch {
    // fall through
  }
  throw new ToolError('invalid_input', 'The cursor is not one this server returned.', {
    hint: 'Pass back nextCursor exactly as received, or omit cursor to start from the first page.',
  });
}

export interface ScanOptions {
  api: Omit<ApiListQuery, 'cursor' | 'limit'>;
  /** Extra filter applied to each item. */
  accept?: (s: SandboxDetails) => boolean;
  limit: number;
  cursor?: string;
  signal?: AbortSignal;
}

export async function scanSandboxes(gateway: DaytonaGateway, o: ScanOptions): Promise<{ items: SandboxDetails[]; nextCursor: string | null }> {
  let state: CursorState = o.cursor ? decodeCursor(o.cursor) : { c: null, o: 0, p: Math.min(Math.max(o.limit, 1), MAX_API_PAGE_SIZE) };
  const items: SandboxDetails[] = [];
  for (;;) {
    throwIfAborted(o.signal);
    const page = await gateway.listPage({ ...o.api, cursor: state.c ?? undefined, limit: state.p }, { signal: o.signal });
    for (let i = state.o; i < page.items.length; i++) {
      const s = page.items[i] as SandboxDetails;
      // The API filtered by the states it saw; one being deleted is shown as `destroying` (sdk-gateway.ts).
      if (o.api.states?.length && !o.api.states.includes(s.state)) continue;
      if (o.accept && !o.accept(s)) continue;
      items.push(s);
      if (items.length === o.limit) {
        const more = i + 1 < page.items.length || page.nextCursor !== null;
        return { items, nextCursor: more ? encodeCursor(i + 1 < page.items.length ? { ...state, o: i + 1 } : { c: page.nextCursor, o: 0, p: state.p }) : null };
      }
    }
    if (!page.nextCursor) return { items, nextCursor: null };
    state = { c: page.nextCursor, o: 0, p: state.p };
  }
}

/** Every matching sandbox, following cursors to the end (bounded by `max`). */
export async function scanAll(gateway: DaytonaGateway, o: Omit<ScanOptions, 'limit' | 'cursor'> & { max: number }): Promise<{ items: SandboxDetails[]; truncated: boolean }> {
  const { items, nextCursor } = await scanSandboxes(gateway, { ...o, limit: o.max });
  return { items, truncated: nextCursor !== null };
}
