import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextValueFor, groupSandboxes, present, stateIcon } from '../../src/extension/tree-model';
import type { SandboxDetails, SandboxState } from '../../src/core/types';
import { sandbox as details } from '../helpers/sandbox';

function sandbox(name: string, state: SandboxState, labels: Record<string, string> = {}): SandboxDetails {
  return details(state, { id: `id-${name}`, name, labels, snapshot: 'daytonaio/sandbox:0.5.0', errorReason: state === 'error' ? 'disk full' : null });
}

test('menus offer only the actions a state allows', () => {
  const flags = (s: SandboxState) => contextValueFor(sandbox('x', s)).split(' ').filter((f) => f.startsWith('can-')).sort();
  assert.deepEqual(flags('started'), ['can-autostop', 'can-delete', 'can-fork', 'can-preview', 'can-resize', 'can-snapshot', 'can-stop']);
  assert.deepEqual(flags('stopped'), ['can-archive', 'can-autostop', 'can-delete', 'can-resize', 'can-snapshot', 'can-start']);
  assert.deepEqual(flags('archived'), ['can-autostop', 'can-delete', 'can-start']);
  assert.deepEqual(flags('paused'), ['can-autostop', 'can-delete', 'can-start', 'can-stop']);
  assert.deepEqual(flags('starting'), ['can-delete']);
  assert.deepEqual(flags('resizing'), ['can-delete']);
  assert.deepEqual(flags('destroying'), []);
  assert.deepEqual(flags('error'), ['can-delete']);
  assert.match(contextValueFor(sandbox('x', 'error')), /\bstate-error\b/);
  assert.match(contextValueFor(sandbox('x', 'build_failed')), /\bhas-build-log\b/);
  assert.doesNotMatch(contextValueFor(sandbox('x', 'error')), /\bhas-build-log\b/);
});

test('state icons: coloured codicons, a spinner while transitioning', () => {
  assert.deepEqual(stateIcon('started'), { id: 'vm-running', color: 'testing.iconPassed' });
  assert.equal(stateIcon('stopping').id, 'loading~spin');
  assert.equal(stateIcon('error').color, 'errorForeground');
});

test('items show name, state · resources · region, and a Markdown tooltip with the error', () => {
  const p = present(sandbox('web', 'error', { project: 'shop' }));
  assert.equal(p.label, 'web');
  assert.equal(p.description, 'error · 2 CPU/4 GiB/8 GiB · us');
  assert.match(p.tooltip, /disk full/);
  assert.match(p.tooltip, /project=shop/);
});

test('grouping by state orders running first; by project puts unlabelled last', () => {
  const all = [sandbox('b', 'stopped', { project: 'z' }), sandbox('a', 'started'), sandbox('c', 'started', { project: 'm' })];
  assert.deepEqual(groupSandboxes(all, 'state').map((g) => [g.label, g.sandboxes.map((s) => s.name)]), [['started', ['a', 'c']], ['stopped', ['b']]]);
  assert.deepEqual(groupSandboxes(all, 'project').map((g) => g.label), ['m', 'z', 'No project']);
  const mixedCase = [sandbox('d', 'started', { project: 'AutoViral' }), sandbox('e', 'stopped', { project: 'autoviral' }), sandbox('f', 'started', { project: 'shop' })];
  assert.deepEqual(
    groupSandboxes(mixedCase, 'project').map((g) => [g.label, g.sandboxes.map((s) => s.name)]),
    [['AutoViral', ['d', 'e']], ['shop', ['f']]],
    'project names group in any case, as people (and the tools) match them',
  );
  const withDeleted = [...all, sandbox('DESTROYED_b_1764072000000', 'destroying')];
  assert.deepEqual(groupSandboxes(withDeleted, 'state').map((g) => g.label), ['started', 'stopped'], 'sandboxes being deleted are not shown');
});

test('relative times: "idle 3 d" for sandboxes at rest, "2 h ago" in tooltips, never a raw timestamp', () => {
  const now = Date.parse('2026-11-20T12:00:00Z');
  const at = (ms: number) => new Date(now - ms).toISOString();
  const stopped = { ...sandbox('old', 'stopped'), lastActivityAt: at(3 * 86_400_000 + 5_000), createdAt: at(10 * 86_400_000) };
  const p = present(stopped, now);
  assert.equal(p.description, 'stopped · idle 3 d · 2 CPU/4 GiB/8 GiB · us');
  assert.match(p.tooltip, /\| last activity \| 3 d ago \|/);
  assert.match(p.tooltip, /\| created \| 10 d ago \|/);
  assert.doesNotMatch(p.tooltip, /\d{4}-\d\d-\d\dT/);
  // Running or changing: no idle time; under a minute: none (it would go stale); unknown: "—".
  assert.equal(present({ ...sandbox('live', 'started'), lastActivityAt: at(2 * 3_600_000) }, now).description, 'started · 2 CPU/4 GiB/8 GiB · us');
  assert.match(present({ ...sandbox('live', 'started'), lastActivityAt: at(2 * 3_600_000) }, now).tooltip, /\| last activity \| 2 h ago \|/);
  assert.equal(present({ ...sandbox('busy', 'stopping'), lastActivityAt: at(7_200_000) }, now).description, 'stopping · 2 CPU/4 GiB/8 GiB · us');
  assert.equal(present({ ...sandbox('fresh', 'stopped'), lastActivityAt: at(20_000) }, now).description, 'stopped · 2 CPU/4 GiB/8 GiB · us');
  assert.match(present(sandbox('never', 'stopped'), now).tooltip, /\| last activity \| — \|/);
});

test('agent-made sandboxes say so in the description; the tooltip names the client', () => {
  const p = present(sandbox('bot', 'started', { 'daytona-mcp.made-by': 'agent', 'daytona-mcp.client': 'cursor-vscode', project: 'shop' }));
  assert.equal(p.description, 'started · agent · 2 CPU/4 GiB/8 GiB · us');
  assert.match(p.tooltip, /\| made by \| an agent via MCP \(client: cursor\\-vscode\) \|/);
  assert.doesNotMatch(p.tooltip, /daytona-mcp\.client=/, 'shown once, in its own row');
  const byHand = present(sandbox('hand', 'started', { project: 'shop' }));
  assert.doesNotMatch(byHand.description, /agent/);
  assert.doesNotMatch(byHand.tooltip, /made by/);
});
