/**
 * What a 200 answer must look like before we believe it. A proxy login page or a wrong
 * DAYTONA_API_URL answers 200 with HTML; reading that as "no items" would tell the agent "No
 * sandboxes match". Instead it becomes an `unknown` error that names what came back.
 */
import { ToolError } from './errors';

export function describeBody(body: unknown): string {
  if (typeof body === 'string') {
    const text = body.replace(/\s+/g, ' ').trim();
    const kind = /^<(!doctype|html)/i.test(text) ? 'an HTML page' : 'text';
    return text ? `${kind} starting "${text.slice(0, 80)}${text.length > 80 ? '…' : ''}"` : 'an empty body';
  }
  if (body === null || body === undefined) return 'an empty body';
  if (Array.isArray(body)) return `a JSON array of ${body.length}`;
  return `a JSON ${typeof body}`;
}

function notJson(what: string, body: unknown): ToolError {
  return new ToolError('unknown', `The Daytona API answered ${what} with ${describeBody(body)} instead of the expected JSON.`, {
    hint: 'Something other than the Daytona API answered (a proxy, a captive portal, or a wrong DAYTONA_API_URL); check the URL and your network, then retry.',
  });
}

/** The body as an object with the given keys of the given types, or an `unknown` ToolError. */
export function expectShape<T>(what: string, body: unknown, check: (o: Record<string, unknown>) => boolean): T {
  if (!body || typeof body !== 'object' || Array.isArray(body) || !check(body as Record<string, unknown>)) throw notJson(what, body);
  return body as T;
}
