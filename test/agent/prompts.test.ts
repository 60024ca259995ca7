/**
 * Test it as an agent (issue 14): natural requests a user gives an agent about sandboxes. For each,
 * a scripted agent serves the request with the tools of the built server (dist/cli.js over stdio, the
 * official MCP client), reading ONLY the text content of results — what most hosts give the model — in
 * at most two calls, and the emulator's end state is checked. Its own fixtures, not the unit tests'.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { spawnServer, type SpawnedServer } from '../helpers/mcp-client';
import { SENTINEL_KEY } from '../helpers/secrets';

const DAY = 86_400_000;
const ago = (ms: number) => Date.now() - ms;

/** A small organisation as people describe it: two products, a few developer boxes, old and new. */
function seedTeam(emu: Emulator): void {
  const box = (name: string, state: 'started' | 'stopped' | 'archived' | 'error', labels: Record<string, string>, idleDays: number) =>
    emu.seedSandbox({ name, state, labels, createdAt: ago((idleDays + 5) * DAY), lastActivityAt: ago(idleDays * DAY) });
  box('autoviral-api', 'started', { project: 'autoviral' }, 0);
  box('autoviral-worker', 'started', { project: 'autoviral' }, 1);
  box('autoviral-old', 'stopped', { project: 'autoviral' }, 40);
  box('storefront-web', 'started', { project: 'storefront', env: 'dev' }, 0);
  box('storefront-ci', 'stopped', { project: 'storefront' }, 2);
  box('dev-ana', 'stopped', { project: 'development', owner: 'ana' }, 45);
  box('dev-ben', 'stopped', { project: 'development', owner: 'ben' }, 31);
  box('dev-cleo', 'started', { project: 'development', owner: 'cleo' }, 0);
  box('scratch-2023', 'archived', {}, 300);
  box('broken-build', 'error', {}, 3);
}

interface Agent {
  calls: number;
  /** Calls a tool and returns only the text the model would read. */
  ask(tool: string, args?: Record<string, unknown>): Promise<string>;
}

let emu: Emulator;
let server: SpawnedServer;
let agent: Agent;

before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 30, listLagMs: 0 }); // kindness asked for: this test is not about the list's lag (test/core/real-rules-list.test.ts is)
  server = await spawnServer({ env: { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url } });
});
after(async () => {
  await server.close();
  await emu.close();
});
beforeEach(() => {
  emu.reset('none');
  seedTeam(emu);
  agent = {
    calls: 0,
    async ask(tool, args = {}) {
      assert.ok(++this.calls <= 2, `"${tool}": a request is served in at most 2 calls`);
      const r = (await server.client.callTool({ name: tool, arguments: args })) as CallToolResult;
      return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
    },
  };
});

const state = (name: string) => emu.sandboxes().find((s) => s.name === name)?.state;
const names = () => emu.sandboxes().map((s) => s.name).sort();
/** What an agent reads off a listed line: "- name (id) state, …, idle 30 d". */
const lines = (text: string) =>
  text.split('\n').filter((l) => l.startsWith('- ')).map((l) => {
    const m = /^- (\S+) \((\S+)\) (\S+), .*?(?:, idle (\d+) (\w+))?$/.exec(l);
    assert.ok(m, `a listed line reads as name (id) state …: ${l}`);
    return { name: m[1]!, id: m[2]!, state: m[3]!, idleDays: m[5] === 'd' ? Number(m[4]) : m[5] === 'mo' ? Number(m[4]) * 30 : 0, line: l };
  });

describe('natural requests, served from the text alone', () => {
  test('"Show me the status of all AutoViral sandboxes"', async () => {
    const text = await agent.ask('list_sandboxes', { project: 'AutoViral' });
    assert.deepEqual(lines(text).map((l) => `${l.name} ${l.state}`).sort(), ['autoviral-api started', 'autoviral-old stopped', 'autoviral-worker started']);
  });

  test('"What is running right now?"', async () => {
    const text = await agent.ask('list_sandboxes', { state: 'running' });
    assert.deepEqual(lines(text).map((l) => l.name).sort(), ['autoviral-api', 'autoviral-worker', 'dev-cleo', 'storefront-web']);
  });

  test('"Any sandboxes in the Payments project?" — the empty answer says what exists', async () => {
    const text = await agent.ask('list_sandboxes', { project: 'Payments' });
    assert.match(text, /No sandboxes in project Payments\./);
    assert.match(text, /Projects: autoviral \(3\), development \(3\), storefront \(2\)/);
  });

  test('"Delete old development sandboxes" (idle over a month)', async () => {
    const text = await agent.ask('list_sandboxes', { project: 'development' });
    const old = lines(text).filter((l) => l.idleDays >= 30);
    assert.deepEqual(old.map((l) => l.name).sort(), ['dev-ana', 'dev-ben'], 'the text shows who is idle');
    const done = await agent.ask('delete_sandbox', { sandboxes: old.map((l) => l.id) });
    assert.match(done, /dev-ana/);
    assert.match(done, /dev-ben/);
    assert.deepEqual(names().filter((n) => n.startsWith('dev-')), ['dev-cleo']);
  });

  test('"Stop everything in the storefront project"', async () => {
    const text = await agent.ask('list_sandboxes', { project: 'Storefront', state: 'started' });
    const done = await agent.ask('stop_sandbox', { sandboxes: lines(text).map((l) => l.id) });
    assert.match(done, /storefront-web/);
    assert.equal(state('storefront-web'), 'stopped');
    assert.equal(state('autoviral-api'), 'started', 'other projects untouched');
  });

  test('"Clean up all stopped sandboxes"', async () => {
    const preview = await agent.ask('cleanup_sandboxes', { dryRun: true });
    assert.match(preview, /Would delete 4 sandboxes/);
    const done = await agent.ask('cleanup_sandboxes', {});
    for (const n of ['autoviral-old', 'storefront-ci', 'dev-ana', 'dev-ben']) assert.match(done, new RegExp(n), `${n} named in the result`);
    assert.deepEqual(emu.sandboxes().filter((s) => s.state === 'stopped' && s.desiredState !== 'destroyed'), []); // deletes are lazy
    assert.equal(state('autoviral-api'), 'started');
  });

  test('"Remove the AutoViral sandboxes nobody touched for a month"', async () => {
    const done = await agent.ask('cleanup_sandboxes', { project: 'AutoViral', idleMinutes: 30 * 24 * 60 });
    assert.match(done, /Deleted 1 sandbox: autoviral-old/);
    assert.deepEqual(names().filter((n) => n.startsWith('autoviral')), ['autoviral-api', 'autoviral-worker']);
  });

  test('"Make me two more sandboxes like autoviral-api"', async () => {
    const done = await agent.ask('create_sandbox', { copyFrom: 'autoviral-api', name: 'autoviral-api-copy', count: 2 });
    assert.match(done, /autoviral-api-copy-1/);
    assert.match(done, /autoviral-api-copy-2/);
    for (const n of ['autoviral-api-copy-1', 'autoviral-api-copy-2']) {
      const s = emu.sandboxes().find((x) => x.name === n);
      assert.equal(s?.state, 'started');
      assert.equal(s?.labels.project, 'autoviral');
    }
  });

  test('"Spin up a Python sandbox for the storefront project"', async () => {
    const done = await agent.ask('create_sandbox', { project: 'storefront', name: 'storefront-py', language: 'python' });
    assert.match(done, /Created 1 sandbox/);
    assert.equal(emu.sandboxes().find((s) => s.name === 'storefront-py')?.labels.project, 'storefront');
  });

  test('"Start dev-ana again" — by name, as people say it', async () => {
    const done = await agent.ask('start_sandbox', { sandboxes: ['dev-ana'] });
    assert.match(done, /dev-ana .*started/);
    assert.equal(state('dev-ana'), 'started');
  });

  test('"Restart the old scratch sandbox" — a misspelled name gets the closest names, then works', async () => {
    const miss = await agent.ask('start_sandbox', { sandboxes: ['scratch-2024'] });
    const suggested = /Closest names: ([^.\s,]+)/.exec(miss)?.[1];
    assert.equal(suggested, 'scratch-2023', miss);
    await agent.ask('start_sandbox', { sandboxes: [suggested!] });
    assert.equal(state('scratch-2023'), 'started');
  });

  test('"Why is broken-build failing?"', async () => {
    const text = await agent.ask('get_sandbox', { sandbox: 'broken-build' });
    assert.match(text, /broken-build .* error/);
  });

  test('"Move dev-cleo to the storefront project"', async () => {
    const done = await agent.ask('set_sandbox_labels', { sandbox: 'dev-cleo', labels: { project: 'storefront' } });
    assert.match(done, /dev-cleo/);
    assert.equal(emu.sandboxes().find((s) => s.name === 'dev-cleo')?.labels.project, 'storefront');
  });

  test('"Make a copy of my prod sandbox" — with its files, not a fresh one', async () => {
    const prod = emu.seedSandbox({ name: 'shop-prod', labels: { project: 'storefront', env: 'prod' } });
    const text = await agent.ask('list_sandboxes', { labels: { env: 'prod' } });
    const [found] = lines(text);
    assert.equal(found?.name, 'shop-prod', text);
    const done = await agent.ask('fork_sandbox', { sandbox: found.name });
    const copy = /as (\S+) \(id ([0-9a-f-]{36})\)/.exec(done);
    assert.ok(copy, done);
    const fork = emu.sandboxes().find((s) => s.id === copy[2]);
    assert.equal(fork?.state, 'started');
    assert.equal(fork?.labels.env, 'prod');
    const parent = await fetch(`${emu.url}/sandbox/${copy[2]}/parent`, { headers: { authorization: `Bearer ${SENTINEL_KEY}` } });
    assert.equal(((await parent.json()) as { id: string }).id, prod.id, 'a fork of prod, not a new sandbox');
  });

  test('"Give me a link to port 3000 of web" — the short name finds storefront-web, the link opens as is', async () => {
    const miss = await agent.ask('get_preview_url', { sandbox: 'web', port: 3000 });
    const suggested = /Closest names: ([^.\s,]+)/.exec(miss)?.[1];
    assert.equal(suggested, 'storefront-web', miss);
    const link = await agent.ask('get_preview_url', { sandbox: suggested!, port: 3000 });
    assert.match(link, /Port 3000 of storefront-web: http:\/\/127\.0\.0\.1:\d+\/preview\/3000-[0-9a-f]{24} \(signed, expires in 60 min/);
  });

  test('"Archive the stopped storefront sandboxes to save money"', async () => {
    const text = await agent.ask('list_sandboxes', { project: 'storefront', state: 'stopped' });
    const done = await agent.ask('archive_sandbox', { sandboxes: lines(text).map((l) => l.name) });
    assert.match(done, /storefront-ci/);
    assert.equal(state('storefront-ci'), 'archived');
  });
});
