/**
 * One error type for everything that can go wrong while registering the server in an agent's
 * config file. `code` says what happened; the message names the file and what the user can do.
 */

export type RegistrationErrorCode =
  | 'parse' // the file is not valid JSON(C); left untouched
  | 'shape' // valid JSON, but not the shape we can safely edit (root not an object, …)
  | 'read_only' // the file is marked read-only
  | 'permission' // the OS refused (EACCES / EPERM)
  | 'not_a_file' // the path is a directory or a parent is a file
  | 'official_entry' // would overwrite or remove the official Daytona CLI entry
  | 'conflict' // the file changed while we were editing it
  | 'unsupported' // the host cannot express this kind of entry
  | 'io'; // anything else from the file system

export class RegistrationError extends Error {
  readonly code: RegistrationErrorCode;
  readonly path: string | undefined;
  /** 1-based position of the first parse error (code 'parse' only). */
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** The Node errno code behind a file-system failure (EACCES, EISDIR, …). */
  readonly errno: string | undefined;

  constructor(
    code: RegistrationErrorCode,
    message: string,
    opts: { path?: string; line?: number; column?: number; errno?: string; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'RegistrationError';
    this.code = code;
    this.path = opts.path;
    this.line = opts.line;
    this.column = opts.column;
    this.errno = opts.errno;
  }
}

function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Turns a Node file-system error into a RegistrationError with advice; passes ours through. */
export function mapFsError(err: unknown, path: string, action: 'read' | 'write'): RegistrationError {
  if (err instanceof RegistrationError) return err;
  const errno = errnoOf(err);
  const opts = { path, errno, cause: err };
  const untouched = action === 'write' ? ' Nothing was changed.' : '';
  switch (errno) {
    case 'EACCES':
    case 'EPERM':
      return new RegistrationError(
        'permission',
        `Cannot ${action} ${path}: permission denied (${errno}). Check the file's and its folder's owner and permissions, ` +
          `or add the server by hand.${untouched}`,
        opts,
      );
    case 'EROFS':
      return new RegistrationError('permission', `Cannot ${action} ${path}: the file system is read-only (EROFS).${untouched}`, opts);
    case 'EISDIR':
      return new RegistrationError('not_a_file', `Cannot ${action} ${path}: it is a directory, not a file.${untouched}`, opts);
    case 'ENOTDIR':
      return new RegistrationError(
        'not_a_file',
        `Cannot ${action} ${path}: a part of the path is a file, not a folder (ENOTDIR).${untouched}`,
        opts,
      );
    default: {
      const detail = err instanceof Error ? err.message : String(err);
      return new RegistrationError('io', `Cannot ${action} ${path}: ${detail}.${untouched}`, opts);
    }
  }
}
