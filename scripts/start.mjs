// `npm start`: a live demo of the MCP server. Builds dist/cli.js, then either uses the real Daytona
// API (when DAYTONA_API_KEY is set) or starts the project's Daytona API emulator with demo
// sandboxes, lists them through the real MCP client, and prints the config an agent needs.
// Ctrl-C stops everything it started.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const root = resolve(import.meta.dirname, '..');
const cli = resolve(root, 'dist/cli.js');
const children = [];

function stopAll(code = 0) {
  for (const c of children) c.kill('SIGTERM');
  process.exit(code);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

if (spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' }).status !== 0) process.exit(1);

async function startEmulator() {
  const key = `demo-${randomBytes(12).toString('hex')}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/emulator/main.ts', '--seed', 'demo', '--api-key', key, '--transition-ms', '1500'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const line = await new Promise((res, rej) => {
    createInterface({ input: child.stdout }).once('line', res);
    child.once('exit', (c) => rej(new Error(`emulator exited with ${c}`)));
  });
  return { apiUrl: JSON.parse(line).url, apiKey: key };
}

const real = Boolean(process.env.DAYTONA_API_KEY);
const api = real
  ? { apiUrl: process.env.DAYTONA_API_URL || 'https://app.daytona.io/api', apiKey: process.env.DAYTONA_API_KEY }
  : await startEmulator();

const env = { ...process.env, DAYTONA_API_KEY: api.apiKey, DAYTONA_API_URL: api.apiUrl };
const client = new Client({ name: 'npm-start-demo', version: '1.0.0' });
await client.connect(new StdioClientTransport({ command: process.execPath, args: [cli, 'start'], env, stderr: 'ignore' }));
const { tools } = await client.listTools();
const listed = await client.callTool({ name: 'list_sandboxes', arguments: {} });
await client.close();

console.log(`\nDaytona MCP server (dist/cli.js) against ${real ? 'the Daytona API' : 'the local Daytona API emulator'} at ${api.apiUrl}`);
console.log(`Tools: ${tools.map((t) => t.name).join(', ')}\n`);
console.log(listed.content.map((c) => c.text).join('\n'));
if (!real) {
  console.log('\nConnect an MCP client (Cursor ~/.cursor/mcp.json, Claude Desktop, VS Code .vscode/mcp.json) to this demo with:');
  console.log(JSON.stringify({ mcpServers: { daytona: { command: process.execPath, args: [cli, 'start'], env: { DAYTONA_API_URL: api.apiUrl, DAYTONA_API_KEY: '<the demo key printed by the emulator run>' } } } }, null, 2));
  console.log(`\nDemo API key for this run only: ${api.apiKey}`);
  console.log('The emulator keeps running; press Ctrl-C to stop it.');
} else {
  console.log('\nDone.');
  stopAll(0);
}
