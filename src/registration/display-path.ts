/**
 * Config paths as a person reads them in a picker: `my-project/.vscode/mcp.json` inside the open folder,
 * `~/.cursor/mcp.json` under the home folder, the full path otherwise. Pure (platform and environment
 * come in through the HostContext), so every platform's rendering is testable anywhere.
 */
import * as nodePath from 'node:path';
import { homeDir, type HostContext } from './hosts';

/** `child` relative to `parent` when it lies inside it (or is it: ''), else undefined. */
function inside(p: nodePath.PlatformPath, parent: string, child: string): string | undefined {
  const rel = p.relative(parent, child);
  if (rel === '') return '';
  if (rel.startsWith('..') || p.isAbsolute(rel)) return undefined;
  return rel;
}

export function displayPath(path: string, ctx: Pick<HostContext, 'platform' | 'env' | 'workspaceDir'>): string {
  const p = ctx.platform === 'win32' ? nodePath.win32 : nodePath.posix;
  if (!p.isAbsolute(path)) return path;
  // The open folder first: its name says more than a long way to it.
  if (ctx.workspaceDir && p.isAbsolute(ctx.workspaceDir)) {
    const rel = inside(p, ctx.workspaceDir, path);
    const name = p.basename(ctx.workspaceDir);
    if (rel !== undefined && name) return rel === '' ? name : `${name}${p.sep}${rel}`;
  }
  const home = homeDir(ctx.env, ctx.platform);
  if (home && p.isAbsolute(home) && p.parse(home).root !== p.normalize(home)) {
    const rel = inside(p, home, path);
    if (rel !== undefined) return rel === '' ? '~' : `~${p.sep}${rel}`;
  }
  return path;
}
