// The host table: paths per platform, entry shapes, detection, and an end-to-end registration.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse as parseToml } from 'smol-toml';
import { upsertServerEntry } from '../../src/registration/config-edit';
import { buildStdioEntry } from '../../src/registration/entry';
import { defaultHostContext, HOST_IDS, HOSTS, homeDir, isHostId, onPath, scopeFor, type HostContext } from '../../src/registration/hosts';
import { hostChoices } from '../../src/registration/report';

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

test('Claude Code paths: ~/.claude.json (user scope) and .mcp.json in the project', () => {
  assert.deepEqual(paths('claude-code', linux), ['global:/home/ann/.claude.json']);
  assert.deepEqual(paths('claude-code', { ...mac, workspaceDir: '/Users/ann/p' }), ['global:/Users/ann/.claude.json', 'workspace:/Users/ann/p/.mcp.json']);
  assert.deepEqual(paths('claude-code', win), ['global:C:\\Users\\ann\\.claude.json']);
  assert.deepEqual(paths('claude-code', { platform: 'linux', env: { HOME: '/home/ann', CLAUDE_CONFIG_DIR: '/cc' } }), ['global:/cc/.claude.json']);
  assert.deepEqual(paths('claude-code', { platform: 'linux', env: { HOME: '/home/ann', CLAUDE_CONFIG_DIR: 'rel' } }), ['global:/home/ann/.claude.json']);
});

test('Codex paths: $CODEX_HOME/config.toml, default ~/.codex', () => {
  assert.deepEqual(paths('codex', linux), ['global:/home/ann/.codex/config.toml']);
  assert.deepEqual(paths('codex', win), ['global:C:\\Users\\ann\\.codex\\config.toml']);
  assert.deepEqual(paths('codex', { platform: 'linux', env: { HOME: '/home/ann', CODEX_HOME: '/opt/codex' } }), ['global:/opt/codex/config.toml']);
  assert.deepEqual(paths('codex', { platform: 'linux', env: { HOME: '/home/ann', CODEX_HOME: 'rel' } }), ['global:/home/ann/.codex/config.toml']);
  assert.deepEqual(paths('codex', { ...linux, workspaceDir: '/w' }), paths('codex', linux), 'no project file');
});

test('Gemini CLI paths: ~/.gemini/settings.json and .gemini/settings.json in the folder', () => {
  assert.deepEqual(paths('gemini', { ...linux, workspaceDir: '/w' }), ['global:/home/ann/.gemini/settings.json', 'workspace:/w/.gemini/settings.json']);
  assert.deepEqual(paths('gemini', win), ['global:C:\\Users\\ann\\.gemini\\settings.json']);
});

test('Zed paths: ~/.config/zed (XDG on Linux, not on macOS), %APPDATA%\\Zed on Windows', () => {
  assert.deepEqual(paths('zed', linux), ['global:/home/ann/.config/zed/settings.json']);
  assert.deepEqual(paths('zed', { platform: 'linux', env: { HOME: '/home/ann', XDG_CONFIG_HOME: '/xdg' } }), ['global:/xdg/zed/settings.json']);
  assert.deepEqual(paths('zed', { platform: 'darwin', env: { HOME: '/Users/ann', XDG_CONFIG_HOME: '/xdg' } }), ['global:/Users/ann/.config/zed/settings.json']);
  assert.deepEqual(paths('zed', win), ['global:C:\\Users\\ann\\AppData\\Roaming\\Zed\\settings.json']);
});

test('scopes come from the table: init without --workspace uses the first, --workspace only where the host has one', () => {
  assert.deepEqual(
    HOST_IDS.map((id) => [id, scopeFor(id, false), scopeFor(id, true)]),
    [
      ['claude', 'global', 'global'],
      ['claude-code', 'global', 'workspace'],
      ['codex', 'global', 'global'],
      ['gemini', 'global', 'workspace'],
      ['zed', 'global', 'global'],
      ['cursor', 'global', 'workspace'],
      ['windsurf', 'global', 'global'],
      ['vscode', 'workspace', 'workspace'],
    ],
  );
  // Every scope a host lists has a path when home and folder are known, and no path outside its scopes.
  for (const id of HOST_IDS) {
    assert.deepEqual(new Set(HOSTS[id].configPaths({ ...linux, workspaceDir: '/w' }).map((l) => l.scope)), new Set(HOSTS[id].scopes), id);
  }
});

test('picker order: this editor, then installed hosts, then the rest, in table order', () => {
  const present = new Set(['/home/ann/.codex', '/home/ann/.gemini']);
  const order = (o: Parameters<typeof hostChoices>[2]) => hostChoices(linux, 'cursor', o).map((c) => `${c.host}${c.here ? '*' : ''}${c.installed ? '+' : ''}`);
  assert.deepEqual(order({ exists: (p) => present.has(p) }), ['cursor*', 'codex+', 'gemini+', 'claude', 'claude-code', 'zed', 'windsurf', 'vscode']);
  // A command on PATH counts too (installed but never run): zeditor is Zed on some Linux packages.
  present.add('/opt/bin/zeditor').add('/usr/local/bin/claude');
  assert.deepEqual(order({ exists: (p) => present.has(p), path: 'rel/bin::/opt/bin:/usr/local/bin' }), [
    'cursor*', 'claude-code+', 'codex+', 'gemini+', 'zed+', 'claude', 'windsurf', 'vscode',
  ]);
  assert.equal(onPath('codex', 'C:\\tools;D:\\npm', 'win32', (p) => p === 'D:\\npm\\codex.cmd'), true);
  assert.equal(onPath('claude', 'rel', 'linux', () => true), false, 'relative PATH entries are ignored');
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
  assert.equal(HOSTS['claude-code'].topKey, 'mcpServers');
  assert.equal(HOSTS.gemini.topKey, 'mcpServers');
  assert.equal(HOSTS.zed.topKey, 'context_servers');
  assert.equal(HOSTS.codex.topKey, 'mcp_servers');
  assert.deepEqual(HOST_IDS.filter((id) => HOSTS[id].format === 'toml'), ['codex']);
  assert.deepEqual(HOSTS['claude-code'].stdioEntry(stdio), { type: 'stdio', ...stdio });
  assert.deepEqual(HOSTS.gemini.stdioEntry(stdio), stdio);
  assert.deepEqual(HOSTS.codex.stdioEntry(stdio), stdio);
  assert.deepEqual(HOSTS.zed.stdioEntry(stdio), { source: 'custom', ...stdio });
  assert.deepEqual(HOSTS.zed.stdioEntry({ command: 'c', args: [] }), { source: 'custom', command: 'c', args: [], env: {} });
  assert.deepEqual(HOSTS['claude-code'].httpEntry(http), { type: 'http', ...http });
  assert.deepEqual(HOSTS.gemini.httpEntry(http), { httpUrl: http.url, headers: http.headers });
  for (const id of ['codex', 'zed'] as const) assert.equal(HOSTS[id].httpEntry(http), undefined);

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
    [['claude', false], ['claude-code', false], ['codex', false], ['gemini', false], ['zed', false], ['cursor', true], ['windsurf', true], ['vscode', true]],
  );
  assert.match(HOSTS['claude-code'].nextSteps('daytona'), /claude mcp list.*"daytona" as Connected/);
  assert.match(HOSTS.codex.nextSteps('daytona'), /codex mcp get daytona/);
  assert.match(HOSTS.gemini.nextSteps('daytona'), /trusted folder.*gemini mcp list/);
  assert.match(HOSTS.zed.nextSteps('daytona'), /agent: open configuration/);
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
  assert.equal(isHostId('zed'), true);
  assert.equal(isHostId('emacs'), false);
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
    const result = await upsertServerEntry({ path: location.path, topKey: host.topKey, format: host.format, name: 'daytona', entry });
    assert.equal(result.changed, true);
    const text = await readFile(location.path, 'utf8');
    const written = (host.format === 'toml' ? JSON.parse(JSON.stringify(parseToml(text))) : JSON.parse(text)) as Record<string, Record<string, unknown>>;
    assert.deepEqual(written[host.topKey]?.daytona, entry);
  }
  assert.deepEqual(
    HOST_IDS.map((id) => HOSTS[id].configPaths(ctx)[0]?.path.slice(home.length)),
    [
      '/.config/Claude/claude_desktop_config.json',
      '/.claude.json',
      '/.codex/config.toml',
      '/.gemini/settings.json',
      '/.config/zed/settings.json',
      '/proj/.cursor/mcp.json',
      '/.codeium/windsurf/mcp_config.json',
      '/proj/.vscode/mcp.json',
    ],
  );
});
