/**
 * Last line of defence for CLI output: every write to stdout and stderr passes through the one
 * scrubber (src/core/scrub.ts), so an API key, a bearer token or an echoed Authorization header
 * cannot reach a terminal, a pipe or an agent's transcript whatever code path produced the text.
 * In stdio mode stdout carries JSON-RPC; the scrubber's replacement is plain JSON-safe text.
 */
import { scrub } from '../core/scrub';

let guarded = false;

export function guardOutputStreams(): void {
  if (guarded) return;
  guarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string') return write(scrub(chunk), ...rest);
      if (chunk instanceof Uint8Array) {
        const text = Buffer.from(chunk).toString('utf8');
        const clean = scrub(text);
        return write(clean === text ? chunk : clean, ...rest);
      }
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
}
