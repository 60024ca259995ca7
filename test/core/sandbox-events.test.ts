/**
 * The live event client (socket.io, the SDK's own) against the emulator's event stream: a refused key
 * is not retried; a stream that cannot connect gives up after its tries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentialsFor } from '../helpers/context';
import { emulatorPerTest } from '../helpers/emulator-context';
import { SENTINEL_KEY } from '../helpers/secrets';
import { waitFor } from '../helpers/wait';
import { openSandboxEvents, type SandboxEventHandlers, type SandboxEventStream } from '../../src/core/sandbox-events';

const setup = emulatorPerTest({ apiKeys: [SENTINEL_KEY] });

/** Handlers that record what the client reported ("sandbox <name>: <state>" for each sandbox event). */
function recorder(): { seen: string[]; handlers: SandboxEventHandlers } {
  const seen: string[] = [];
  return {
    seen,
    handlers: {
      onSandbox: (s) => seen.push(`sandbox ${s.name}: ${s.state}`),
      onConnected: () => seen.push('connected'),
      onDisconnected: () => seen.push('disconnected'),
      onStopped: (reason) => seen.push(`stopped: ${reason}`),
    },
  };
}

test('a key the stream refuses: one handshake, reported as refused, never retried', async () => {
  const { emu } = await setup();
  const { seen, handlers } = recorder();
  const stream = await openSandboxEvents(credentialsFor(emu.url, 'not-the-key-0000'), handlers);
  try {
    await waitFor(() => seen.includes('stopped: refused'), 10_000, 'the refusal is reported');
    // socket.io's first retry would come after 0.5–1.5 s: three seconds show whether any comes.
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal(emu.eventHandshakes(), 1, 'no second handshake with the same key');
    assert.deepEqual(seen, ['stopped: refused']);
  } finally {
    stream?.close();
  }
});

test('a stream that cannot connect (not offered) retries with backoff, then gives up and says so', async () => {
  const { emu } = await setup({ events: false });
  const { seen, handlers } = recorder();
  let stream: SandboxEventStream | undefined;
  try {
    stream = await openSandboxEvents(credentialsFor(emu.url), handlers, { delayMs: 10, maxDelayMs: 40, attempts: 3 });
    await waitFor(() => seen.includes('stopped: gave-up'), 20_000, 'the client gives up');
    assert.deepEqual(seen, ['disconnected', 'stopped: gave-up'], 'down once (the caller polls), then stopped');
    assert.equal(stream?.connected, false);
  } finally {
    stream?.close();
  }
});

test('the emulator\'s stream accepts a good key (the refusal above is about the key)', async () => {
  const { emu } = await setup();
  const { seen, handlers } = recorder();
  const stream = await openSandboxEvents(credentialsFor(emu.url), handlers);
  try {
    await waitFor(() => seen.includes('connected'), 10_000, 'connected');
    assert.equal(emu.eventHandshakes(), 1);
    assert.equal(emu.eventClients(), 1);
  } finally {
    stream?.close();
  }
});

test('a server that drops every connection at once is redialled with backoff, then given up (not in a loop)', async () => {
  const { emu } = await setup();
  const { seen, handlers } = recorder();
  let stream: SandboxEventStream | undefined;
  try {
    stream = await openSandboxEvents(credentialsFor(emu.url), handlers, { delayMs: 50, maxDelayMs: 400, attempts: 3 });
    await waitFor(() => seen.includes('connected'), 10_000, 'the first connection');
    emu.kickEventClients({ always: true });
    await waitFor(() => seen.includes('stopped: gave-up'), 10_000, 'the client gives up');
    // The first connection, then 3 redials (50, 100, 200 ms apart), each dropped at once.
    assert.equal(emu.eventHandshakes(), 4, `handshakes: ${emu.eventHandshakes()}`);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(emu.eventHandshakes(), 4, 'no handshake after giving up');
    assert.equal(seen.at(-1), 'stopped: gave-up');
  } finally {
    stream?.close();
  }
});

test('a server-side disconnect after a long connection is redialled (after the first backoff step)', async () => {
  const { emu } = await setup();
  const { seen, handlers } = recorder();
  let stream: SandboxEventStream | undefined;
  try {
    stream = await openSandboxEvents(credentialsFor(emu.url), handlers, { delayMs: 50, maxDelayMs: 100, attempts: 2 });
    for (let round = 1; round <= 4; round++) {
      await waitFor(() => seen.filter((s) => s === 'connected').length === round, 10_000, `connection ${round}`);
      await new Promise((r) => setTimeout(r, 150)); // longer than the longest backoff: a healthy connection
      emu.kickEventClients();
    }
    await waitFor(() => seen.filter((s) => s === 'connected').length === 5, 10_000, 'connection 5');
    assert.ok(!seen.some((s) => s.startsWith('stopped')), seen.join(', '));
  } finally {
    stream?.close();
  }
});

test('a sandbox created and gone between two of the emulator\'s looks is still heard of (events at the change)', async () => {
  // Transitions of 1 ms: created, started, deleted and gone well inside the watcher's 100 ms interval.
  const { emu, ctx } = await setup({ transitionMs: 1 });
  const { seen: heard, handlers } = recorder();
  const stream = await openSandboxEvents(credentialsFor(emu.url), handlers);
  try {
    await waitFor(() => heard.includes('connected'), 10_000, 'connected');
    const gateway = await ctx.gateway();
    for (const name of ['blink-1', 'blink-2', 'blink-3']) {
      const s = await gateway.create({ name, labels: {} });
      await gateway.delete(s.id);
    }
    await waitFor(() => ['blink-1', 'blink-2', 'blink-3'].every((n) => heard.some((h) => h.startsWith(`sandbox ${n}:`))), 5_000, `every sandbox heard of (heard: ${heard.join(', ')})`);
  } finally {
    stream?.close();
  }
});
