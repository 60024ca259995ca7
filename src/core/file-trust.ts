/**
 * Owner and mode checks for what we read from ~/.daytona/mcp: a file another user owns or can write
 * (or a folder others can write, where they could swap files) may have been planted, e.g. an
 * http.json pointing agents at someone else's port with a token they know.
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { daytonaHome, httpStatePath, type Env } from './daytona-home';

/** Why the file must not be trusted, or undefined when it is ours and private (or absent). */
export function untrustedFileProblem(path: string, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === 'win32') return undefined;
  let st;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) return `${path} belongs to another user (uid ${st.uid}); delete it`;
  if ((st.mode & 0o077) !== 0) return `${path} is accessible to other users (mode ${(st.mode & 0o777).toString(8)}); run "chmod 600 ${path}"`;
  return unsafeFolderProblem(dirname(path));
}

/** Why a folder is unsafe (others can write into it, or another user owns it), or undefined. */
export function unsafeFolderProblem(dir: string, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === 'win32') return undefined;
  let st;
  try {
    st = statSync(dir);
  } catch {
    return undefined;
  }
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid && st.uid !== 0) return `${dir} belongs to another user (uid ${st.uid})`;
  if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) {
    return `${dir} is writable by other users (mode ${(st.mode & 0o777).toString(8)}); run "chmod 700 ${dir}"`;
  }
  return undefined;
}

/**
 * Warnings about ~/.daytona and ~/.daytona/mcp (others could swap the files we read there), each
 * with its chmod fix: what `status` prints (and lists under `warnings` in --json) and the extension
 * shows once per session.
 */
export function daytonaFolderWarnings(env: Env = process.env, platform: NodeJS.Platform = process.platform): string[] {
  return [daytonaHome(env), dirname(httpStatePath(env))]
    .map((d) => unsafeFolderProblem(d, platform))
    .filter((w): w is string => w !== undefined);
}

/** The one notification for those warnings, or undefined when there are none. */
export function folderWarningNotice(warnings: readonly string[]): string | undefined {
  if (!warnings.length) return undefined;
  return `Daytona: ${warnings.join('; ')}. Other users could replace the files the MCP server reads there.`;
}
