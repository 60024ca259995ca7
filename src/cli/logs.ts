/** `logs [-f] [--lines N]`: the audit log, optionally followed as it grows (and across rotation). */
import { createReadStream, existsSync, readFileSync, statSync, watchFile } from 'node:fs';
import { auditLogPath } from '../core/daytona-home';
import { parseArgs, UsageError } from './args';

export async function logsCommand(argv: readonly string[]): Promise<void> {
  const normalized = argv.map((a) => (a === '-f' ? '--follow' : a === '-n' ? '--lines' : a));
  const args = parseArgs(normalized, { flags: ['follow'], values: ['lines'] });
  const lines = Number(args.options.get('lines') ?? 50);
  if (!Number.isInteger(lines) || lines < 0) throw new UsageError('--lines takes a whole number.');
  const path = auditLogPath();
  if (!existsSync(path) && !args.options.has('follow')) {
    process.stdout.write(`No audit log yet at ${path}; it appears when an agent first starts the server.\n`);
    return;
  }
  if (existsSync(path)) {
    const all = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    process.stdout.write(all.slice(-lines).map((l) => `${l}\n`).join(''));
  }
  if (!args.options.has('follow')) return;
  let offset = existsSync(path) ? statSync(path).size : 0;
  await new Promise<never>(() => {
    watchFile(path, { interval: 500 }, (cur) => {
      if (cur.size < offset) offset = 0; // rotated: start the new file from the top
      if (cur.size === offset) return;
      createReadStream(path, { start: offset, end: cur.size - 1 }).pipe(process.stdout, { end: false });
      offset = cur.size;
    });
  });
}
