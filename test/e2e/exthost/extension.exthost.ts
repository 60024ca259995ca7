/// <reference types="mocha" />
/**
 * Runs inside the real extension host (code-server), loaded by test/e2e/driver/exthost.ts through the
 * workbench test payload. The emulator runs in the outer test process; its URL arrives through
 * DAYTONA_API_URL in the extension host's environment and the key through E2E_API_KEY.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { TestApi } from '../../../src/extension/extension';
import type { Node } from '../../../src/extension/sandbox-tree';

const EXTENSION_ID = 'sandbox-tools.daytona-mcp-vscode';
let api: TestApi;

/** The parts of `vscode.lm` this test uses (typed here: @types/vscode is pinned to the oldest base). */
interface VsCodeLm {
  tools?: ReadonlyArray<{ name: string }>;
  invokeTool(name: string, options: { input: object; toolInvocationToken: undefined }): Thenable<{ content: unknown[] }>;
}

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 15_000, seen?: () => unknown): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${seen ? `; seen: ${JSON.stringify(seen())}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Daytona extension in a real extension host', () => {
  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    api = (await ext.activate()) as TestApi;
    assert.ok(api?.keys, 'test API is exposed in ExtensionMode.Test');
  });

  it('registers every command its manifest contributes', async () => {
    const manifest = JSON.parse(readFileSync(join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'package.json'), 'utf8'));
    const contributed: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, []);
    assert.ok(contributed.length >= 19);
  });

  it('keeps the API key in SecretStorage: store, read back, remove', async () => {
    await api.keys.clear();
    assert.equal(api.keys.current, undefined);
    await api.keys.set('round-trip-key-123456');
    assert.equal(api.keys.current, 'round-trip-key-123456');
    await api.keys.clear();
    assert.equal(api.keys.current, undefined);
  });

  it('fills the tree from the API with groups, state icons and menu flags', async () => {
    await api.keys.set(process.env.E2E_API_KEY!);
    await api.store.refresh();
    assert.equal(api.store.status.kind, 'ready', JSON.stringify(api.store.status));
    const groups = api.tree.getChildren() as Node[];
    assert.ok(groups.length >= 2, 'grouped by state');
    const started = groups.find((g) => g.type === 'group' && g.group.key === 'started');
    assert.ok(started && started.type === 'group');
    const [first] = api.tree.getChildren(started) as Node[];
    const item = api.tree.getTreeItem(first!);
    assert.match(String(item.description), /^started · \d+ CPU\/\d+ GiB\/\d+ GiB/);
    assert.match(String(item.contextValue), /\bcan-stop\b/);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'vm-running');
  });

  it('runs sidebar commands through the core tools: stop then start a sandbox', async () => {
    await api.store.refresh();
    const target = api.store.sandboxes.find((s) => s.state === 'started')!;
    await vscode.commands.executeCommand('daytona.stopSandbox', { type: 'sandbox', sandbox: target });
    await api.store.refresh();
    await until('stopped', () => api.store.sandboxes.find((s) => s.id === target.id)?.state === 'stopped');
    await vscode.commands.executeCommand('daytona.startSandbox', { type: 'sandbox', sandbox: { ...target, state: 'stopped' } });
    await api.store.refresh();
    const row = () => ({ row: api.store.sandboxes.find((s) => s.id === target.id), status: api.store.status, count: api.store.sandboxes.length });
    await until('started again', () => api.store.sandboxes.find((s) => s.id === target.id)?.state === 'started', 15_000, row);
  });

  it('registers the MCP server with the editor, which starts it and calls its tools (where the API exists)', async () => {
    const lm = (vscode as unknown as { lm?: VsCodeLm }).lm;
    // The provider API is stable from VS Code 1.101; 1.100 has an older variant the extension declines.
    const [major, minor] = vscode.version.split('.').map(Number);
    const hasApi = major! > 1 || minor! >= 101;
    assert.equal(api.registrationMode, hasApi ? 'vscode-provider' : 'none');
    if (!hasApi) return; // older base (Windsurf-like): file-based registration only, checked in the UI test
    // This window's folder has no .vscode/mcp.json: the only Daytona server VS Code can know is the provider's.
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder && !existsSync(join(folder, '.vscode', 'mcp.json')), `no workspace MCP config in ${folder}`);
    // VS Code discovers provider-contributed servers lazily (chat does it; so does "MCP: List Servers").
    void vscode.commands.executeCommand('workbench.mcp.listServer');
    await new Promise((r) => setTimeout(r, 1500));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    // The editor's own command, as behind "MCP: List Servers" → Start Server; '*' = every known server.
    await vscode.commands.executeCommand('workbench.mcp.startServer', '*', { waitForLiveTools: true, autoTrustChanges: true });
    const names = await until('Daytona tools in vscode.lm.tools', () => {
      const found = (lm!.tools ?? []).map((t) => t.name).filter((n) => /list_sandboxes|cleanup_sandboxes/.test(n));
      return found.length >= 2 ? found : undefined;
    }, 30_000);
    console.log(`MCP tools seen by the editor: ${names.join(', ')}`);
    // Call one the way an agent's chat does: through VS Code's MCP client, no chat session needed.
    const listTool = names.find((n) => n.endsWith('list_sandboxes'))!;
    const result = await lm!.invokeTool(listTool, { input: { state: 'started' }, toolInvocationToken: undefined });
    const text = result.content.map((part) => (part as { value?: string }).value ?? '').join('');
    assert.match(text, /"name":"storefront-api"/, text.slice(0, 300));
    // The server writes a call's audit line right after its answer: wait for it (state, not timing).
    const toolLine = /"event":"tool_call","tool":"list_sandboxes","arguments":\{"state":"started"\},"outcome":"ok"/;
    const log = await until('the call\'s line in the audit log', () => {
      const text = readFileSync(join(homedir(), '.daytona', 'daytona-mcp.log'), 'utf8');
      return toolLine.test(text) ? text : undefined;
    }, 10_000);
    assert.match(log, /"event":"client_connected","client":"(code-server|Visual Studio Code)/);
  });
});
