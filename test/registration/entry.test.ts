// Building our entry and recognising the official Daytona CLI entry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildHttpEntry, buildStdioEntry, envReference } from '../../src/registration/entry';
import { RegistrationError } from '../../src/registration/errors';

test('buildStdioEntry: node + server path + start, no env and no API key by default', () => {
  assert.deepEqual(buildStdioEntry({ runtimePath: '/usr/bin/node', serverPath: '/opt/d/cli.js' }), {
    command: '/usr/bin/node',
    args: ['/opt/d/cli.js', 'start'],
  });
});

test('buildStdioEntry: explicit args, opt-in env, Electron as Node', () => {
  const entry = buildStdioEntry({
    runtimePath: '/Applications/Cursor.app/Contents/MacOS/Cursor',
    serverPath: '/x/cli.js',
    args: ['start', '--read-only'],
    env: { DAYTONA_API_KEY: 'opt-in' },
    runAsNode: true,
  });
  assert.deepEqual(entry, {
    command: '/Applications/Cursor.app/Contents/MacOS/Cursor',
    args: ['/x/cli.js', 'start', '--read-only'],
    env: { ELECTRON_RUN_AS_NODE: '1', DAYTONA_API_KEY: 'opt-in' },
  });
});

test('buildStdioEntry: shaped for a host when asked', () => {
  const base = { runtimePath: 'node', serverPath: '/c.js' };
  assert.deepEqual(buildStdioEntry({ ...base, hostId: 'vscode' }), { type: 'stdio', command: 'node', args: ['/c.js', 'start'] });
  assert.deepEqual(buildStdioEntry({ ...base, hostId: 'claude' }), { command: 'node', args: ['/c.js', 'start'] });
});

test('buildHttpEntry per host; Claude Desktop cannot take one', () => {
  const url = 'http://127.0.0.1:7777/mcp';
  assert.deepEqual(buildHttpEntry({ hostId: 'cursor', url }), { url });
  assert.deepEqual(buildHttpEntry({ hostId: 'windsurf', url, headers: { A: 'b' } }), { serverUrl: url, headers: { A: 'b' } });
  assert.deepEqual(buildHttpEntry({ hostId: 'vscode', url }), { type: 'http', url });
  assert.throws(
    () => buildHttpEntry({ hostId: 'claude', url }),
    (e: unknown) => e instanceof RegistrationError && e.code === 'unsupported' && /Connectors/.test(e.message),
  );
});

test('envReference only where the host expands it', () => {
  assert.equal(envReference('cursor', 'DAYTONA_API_KEY'), '${env:DAYTONA_API_KEY}');
  assert.equal(envReference('windsurf', 'X'), '${env:X}');
  assert.equal(envReference('claude', 'X'), undefined);
});
