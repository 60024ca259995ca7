// Config paths as the Init MCP picker shows them: the open folder's name, ~ for home, else in full.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayPath } from '../../src/registration/display-path';
import { HOST_IDS, HOSTS, type HostContext } from '../../src/registration/hosts';

const linux: HostContext = { platform: 'linux', env: { HOME: '/home/ann' }, workspaceDir: '/home/ann/my-project' };
const win: HostContext = { platform: 'win32', env: { USERPROFILE: 'C:\\Users\\ann' }, workspaceDir: 'D:\\work\\shop' };

test('home paths read ~/…, paths in the open folder read <folder name>/…', () => {
  assert.equal(displayPath('/home/ann/.cursor/mcp.json', linux), '~/.cursor/mcp.json');
  assert.equal(displayPath('/home/ann/my-project/.vscode/mcp.json', linux), 'my-project/.vscode/mcp.json');
  assert.equal(displayPath('/home/ann/my-project', linux), 'my-project');
  assert.equal(displayPath('/home/ann', linux), '~');
});

test('anything else stays as it is: other folders, look-alike prefixes, relative paths, no home', () => {
  assert.equal(displayPath('/etc/claude/config.json', linux), '/etc/claude/config.json');
  assert.equal(displayPath('/home/anna/.cursor/mcp.json', linux), '/home/anna/.cursor/mcp.json');
  assert.equal(displayPath('/home/ann/my-project-2/x.json', linux), '~/my-project-2/x.json');
  assert.equal(displayPath('.vscode/mcp.json', linux), '.vscode/mcp.json');
  assert.equal(displayPath('/home/ann/.cursor/mcp.json', { platform: 'linux', env: {} }), '/home/ann/.cursor/mcp.json');
  // A home of "/" would turn every path into ~/…: not a home worth abbreviating.
  assert.equal(displayPath('/etc/x.json', { platform: 'linux', env: { HOME: '/' } }), '/etc/x.json');
});

test('Windows: %USERPROFILE% and backslashes', () => {
  assert.equal(displayPath('C:\\Users\\ann\\.cursor\\mcp.json', win), '~\\.cursor\\mcp.json');
  assert.equal(displayPath('D:\\work\\shop\\.vscode\\mcp.json', win), 'shop\\.vscode\\mcp.json');
  assert.equal(displayPath('E:\\other\\mcp.json', win), 'E:\\other\\mcp.json');
});

test('every host\'s config paths are short in a usual layout (no absolute path left)', () => {
  for (const id of HOST_IDS) {
    for (const { path } of HOSTS[id].configPaths(linux)) {
      const shown = displayPath(path, linux);
      assert.match(shown, /^(~|my-project)\//, `${id}: ${shown}`);
    }
  }
});
