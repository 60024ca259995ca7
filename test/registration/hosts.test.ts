// The host table: paths per platform, entry shapes, detection, and an end-to-end registration.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { upsertServerEntry } from '../../src/registration/config-edit';
import { buildStdioEntry } from '../../src/registration/entry';
import { defaultHostContext, HOST_IDS, HOSTS, homeDir, isHostId, type HostContext } from '../../src/registration/hosts';

const mac: HostContext = { platform: 'darwin', env: { HOME: '/Users/ann' } };
const linux: HostContext = { platform: 'linux', env: { HOME: '/home/ann' } };
const win: HostContext = {
  platform: 'win32',
  env: { USERPROFILE: 'C:\\Users\\ann', APPDATA: 'C:\\Users\\ann\\AppData\\Roaming', HOME: 'D:\\msys\\home\\ann' },
};

function paths(id: keyof typeof HOSTS, ctx: HostContext): string[] {
  return HOSTS[id].configPaths(ctx).map((l) => `${l.scope}:${l.path}`);
}

test('Claude Desktop paths', () => {
  assert.deepEqual(paths('claude', mac), ['global:/Users/ann/Library/Application Support/Claude/claude_desktop_config.json']);
  assert.deepEqual(paths('claude', win), ['global:C:\\Users\\ann\\AppData\\Roaming\\Claude\\claude_desktop_config.json']);
  assert.deepEqual(paths('claude', linux), ['global:/home/ann/.config/Claude/claude_desktop_config.json']);
  assert.deepEqual(paths('claude', { platform: 'linux', env: { HOME: '/home/ann', XDG_CONFIG_HOME: '/xdg' } }), [
    'global:/xdg/Claude/claude_desktop_config.json',
  ]);
  // A relative XDG_CONFIG_HOME is invalid per the XDG spec and ignored.
  assert.deepEqual(paths('claude', { platform: 'linux', env: { HOME: '/home/ann', XDG_CONFIG_HOME: 'rel' } }), [
    'global:/home/ann/.config/Claude/claude_desktop_config.json',
  ]);
  // No %APPDATA%: fall back to the profile's Roaming folder.
  assert.deepEqual(paths('claude', { platform: 'win32', env: { USERPROFILE: 'C:\\Users\\bo' } }), [
    'global:C:\\Users\\bo\\AppData\\Roaming\\Claude\\claude_desktop_config.json',
  ]);
  // The workspace folder is irrelevant for Claude.
  assert.deepEqual(paths('claude', { ...mac, workspaceDir: '/w' }), paths('claude', mac));
});

test('Cursor paths: workspace first, global under %USERPROFILE% on Windows', () => {
  assert.deepEqual(paths('cursor', { ...mac, workspaceDir: '/Users/ann/proj' }), [
    'workspace:/Users/ann/proj/.cursor/mcp.json',
    'global:/Users/ann/.cursor/mcp.json',
  ]);
  assert.deepEqual(paths('cursor', win), ['global:C:\\Users\\ann\\.cursor\\mcp.json']);
  assert.deepEqual(paths('cursor', { ...win, workspaceDir: 'D:\\src\\proj' }), [
    'workspace:D:\\src\\proj\\.cursor\\mcp.json',
    'global:C:\\Users\\ann\\.cursor\\mcp.json',
  ]);
});

test('Windsurf paths', () => {
  assert.deepEqual(paths('windsurf', linux), ['global:/home/ann/.codeium/windsurf/mcp_config.json']);
  assert.deepEqual(paths('windsurf', mac), ['global:/Users/ann/.codeium/windsurf/mcp_config.json']);
  assert.deepEqual(paths('windsurf', win), ['global:C:\\Users\\ann\\.codeium\\windsurf\\mcp_config.json']);
});

test('VS Code: workspace file only', () => {
  assert.deepEqual(paths('vscode', linux), []);
  assert.deepEqual(paths('vscode', { ...linux, workspaceDir: '/home/ann/proj' }), ['workspace:/home/ann/proj/.vscode/mcp.json']);
  assert.deepEqual(paths('vscode', { ...win, workspaceDir: 'C:\\proj' }), ['workspace:C:\\proj\\.vscode\\mcp.json']);
});

test('unknown home: global locations are left out rather than guessed', () => {
  const none: HostContext = { platform: 'linux', env: { HOME: '  ' } };
  for (const id of HOST_IDS) assert.deepEqual(HOSTS[id].configPaths(none), []);
  assert.deepEqual(paths('cursor', { ...none, workspaceDir: '/w' }), ['workspace:/w/.cursor/mcp.json']);
  assert.equal(homeDir({ HOME: '/h' }, 'win32'), '/h', 'Windows falls back to HOME only without USERPROFILE');
  assert.equal(homeDir({ USERPROFILE: 'C:\\u' }, 'linux'), undefined);
});

test('top-level keys and entry shapes', () => {
  const stdio = { command: '/n', args: ['/cli.js', 'start'], env: { A: '1' } };
  const http = { url: 'http://127.0.0.1:7777/mcp', headers: { Authorization: 'Bearer ${env:T}' } };
  assert.equal(HOSTS.claude.topKey, 'mcpServers');
  assert.equal(HOSTS.cursor.topKey, 'mcpServers');
  assert.equal(HOSTS.windsurf.topKey, 'mcpServers');
  assert.equal(HOSTS.vscode.topKey, 'servers');

  for (const id of ['claude', 'cursor', 'windsurf'] as const) assert.deepEqual(HOSTS[id].stdioEntry(stdio), stdio);
  assert.deepEqual(HOSTS.vscode.stdioEntry(stdio), { type: 'stdio', ...stdio });
  assert.deepEqual(HOSTS.cursor.stdioEntry({ command: 'c', args: [], env: {} }), { command: 'c', args: [] }, 'empty env left out');

  assert.equal(HOSTS.claude.httpEntry(http), undefined);
  assert.equal(HOSTS.claude.supportsHttp, false);
  assert.deepEqual(HOSTS.cursor.httpEntry(http), http);
  assert.deepEqual(HOSTS.windsurf.httpEntry(http), { serverUrl: http.url, headers: http.headers });
  assert.deepEqual(HOSTS.vscode.httpEntry(http), { type: 'http', ...http });
  assert.deepEqual(HOSTS.windsurf.httpEntry({ url: 'u' }), { serverUrl: 'u' });
});

test('env interpolation support and next steps', () => {
  assert.deepEqual(
    HOST_IDS.map((id) => [id, HOSTS[id].supportsEnvInterpolation]),
    [['claude', false], ['cursor', true], ['windsurf', true], ['vscode', true]],
  );
  assert.match(HOSTS.claude.nextSteps('daytona'), /Quit Claude Desktop completely/);
  assert.match(HOSTS.cursor.nextSteps('daytona'), /Cursor Settings → Tools & MCP.*switch "daytona" on/);
  assert.match(HOSTS.windsurf.nextSteps('daytona'), /Refresh/);
  assert.match(HOSTS.vscode.nextSteps('daytona'), /MCP: List Servers.*"daytona".*Start Server/);
});

test('detectInstalled looks for the host folder', () => {
  const seen: string[] = [];
  const existsOnly = (...present: string[]) => (p: string) => {
    seen.push(p);
    return present.includes(p);
  };
  assert.equal(HOSTS.cursor.detectInstalled(linux.env, 'linux', existsOnly('/home/ann/.cursor')), true);
  assert.equal(HOSTS.cursor.detectInstalled(linux.env, 'linux', existsOnly()), false);
  assert.equal(HOSTS.windsurf.detectInstalled(win.env, 'win32', existsOnly('C:\\Users\\ann\\.codeium\\windsurf')), true);
  assert.equal(HOSTS.claude.detectInstalled(win.env, 'win32', existsOnly('C:\\Users\\ann\\AppData\\Roaming\\Claude')), true);
  assert.equal(HOSTS.claude.detectInstalled(mac.env, 'darwin', existsOnly('/Applications/Claude.app')), true);
  assert.equal(HOSTS.claude.detectInstalled(linux.env, 'linux', existsOnly('/Applications/Claude.app')), false);
  assert.equal(HOSTS.vscode.detectInstalled(mac.env, 'darwin', existsOnly('/Users/ann/.vscode-insiders')), true);
  seen.length = 0;
  assert.equal(HOSTS.cursor.detectInstalled({}, 'linux', existsOnly('/.cursor')), false, 'no home, no guess');
  assert.deepEqual(seen, []);
});

test('isHostId and defaultHostContext', () => {
  assert.equal(isHostId('windsurf'), true);
  assert.equal(isHostId('zed'), false);
  const ctx = defaultHostContext('/w');
  assert.equal(ctx.platform, process.platform);
  assert.equal(ctx.env.HOME, process.env.HOME);
  assert.equal(ctx.workspaceDir, '/w');
  assert.equal('workspaceDir' in defaultHostContext(), false);
});

test('end to end: register in every host file under a fake home', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'daytona-home-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const ctx: HostContext = { platform: 'linux', env: { HOME: home }, workspaceDir: join(home, 'proj') };
  for (const id of HOST_IDS) {
    const host = HOSTS[id];
    const location = host.configPaths(ctx)[0];
    assert.ok(location, id);
    const entry = buildStdioEntry({ runtimePath: '/usr/bin/node', serverPath: '/opt/daytona/cli.js', hostId: id });
    const result = await upsertServerEntry({ path: location.path, topKey: host.topKey, name: 'daytona', entry });
    assert.equal(result.changed, true);
    const written = JSON.parse(await readFile(location.path, 'utf8')) as Record<string, Record<string, unknown>>;
    assert.deepEqual(written[host.topKey]?.daytona, entry);
  }
  assert.deepEqual(
    HOST_IDS.map((id) => HOSTS[id].configPaths(ctx)[0]?.path.slice(home.length)),
    ['/.config/Claude/claude_desktop_config.json', '/proj/.cursor/mcp.json', '/.codeium/windsurf/mcp_config.json', '/proj/.vscode/mcp.json'],
  );
});
