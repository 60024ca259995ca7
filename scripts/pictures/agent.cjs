/* global require, process, setTimeout, exports */
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
// Runs inside VS Code's extension host, loaded as `extensionTestsPath` by scripts/pictures/take.ts. It
// plays the agent the way Copilot's agent mode does it: VS Code discovers the MCP server the extension
// registered through its definition provider, starts it, and calls its create_sandbox tool through
// `vscode.lm.invokeTool`. It then pauses (a file handshake in PICTURES_HANDSHAKE_DIR) so the outer
// script can photograph the result, and fails loudly if any step does not happen.
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');

const EXTENSION_ID = 'sandbox-tools.daytona-mcp-vscode';
const dir = process.env.PICTURES_HANDSHAKE_DIR;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, fn, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Tells the outer script that `step` is on screen and waits until it has taken its picture. */
async function pause(step) {
  fs.writeFileSync(path.join(dir, `${step}.ready`), '');
  await until(`the picture of ${step}`, () => fs.existsSync(path.join(dir, `${step}.done`)), 60000);
}

exports.run = async function run() {
  if (!dir || !process.env.PICTURES_API_KEY) throw new Error('PICTURES_HANDSHAKE_DIR and PICTURES_API_KEY must be set');
  const api = await vscode.extensions.getExtension(EXTENSION_ID).activate();
  // Each browser window keeps its own secret storage in code-server: hand this one the demo key first.
  await api.keys.set(process.env.PICTURES_API_KEY);
  await vscode.commands.executeCommand('daytona.sandboxes.focus');
  // Provider-contributed MCP servers are discovered lazily (by chat, or "MCP: List Servers").
  void vscode.commands.executeCommand('workbench.mcp.listServer');
  await sleep(1500);
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  await vscode.commands.executeCommand('workbench.mcp.startServer', '*', { waitForLiveTools: true, autoTrustChanges: true });
  const tool = await until('the create_sandbox tool in vscode.lm.tools', () => vscode.lm.tools.find((t) => /^mcp_.*_create_sandbox$/.test(t.name)));
  const result = await vscode.lm.invokeTool(tool.name, {
    input: { name: 'test-environment', labels: { project: 'storefront' } },
    toolInvocationToken: undefined,
  });
  const text = result.content.map((part) => part.value ?? '').join('');
  if (!/"name":"test-environment"/.test(text)) throw new Error(`unexpected create_sandbox result: ${text.slice(0, 300)}`);
  await vscode.commands.executeCommand('daytona.refresh');
  await vscode.commands.executeCommand('daytona.showMcpLog');
  await pause('agent');
};
