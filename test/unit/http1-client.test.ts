/**
 * The gateway's own HTTP/1.1 client (src/core/http1-client.ts), against a bare TCP server that
 * answers with exact bytes: every framing it serves, every malformed or hostile answer it must turn
 * into an error (never a crash, a hang or a wrong body), keep-alive reuse and its stale-socket case,
 * limits, cancelling, and what a caller's input can never do to the request.
 * The adapter contract above it (axios' errors and wording) is in lean-transport.test.ts, which runs
 * its cases over these sockets too; TLS is checked there as well.
 */
import { test as nodeTest, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ABORT_CODE, Http1Pool, TIMEOUT_CODE, TOO_LARGE_CODE, type Http1Request } from '../../src/core/http1-client';
import { failure } from '../helpers/failure';

/** Every case has a deadline: a client that hangs fails its test instead of stalling the suite. */
const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 20_000 }, fn);

/** What the server does with each request it reads: the bytes to answer, or a function of the socket. */
type Reply = string | Buffer | ((socket: Socket, request: string) => void);
let reply: Reply = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}';
let server: Server;
let base: string;
/** Connections accepted, and every request head read, in order. */
let connections = 0;
const requests: string[] = [];
const sockets = new Set<Socket>();

before(async () => {
  server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.slice(0, end);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const request = buffered.slice(0, end + 4 + length);
        buffered = buffered.slice(end + 4 + length);
        requests.push(request);
        if (typeof reply === 'function') reply(socket, request);
        else socket.write(reply);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

function get(pool: Http1Pool, path = '/x', extra: Partial<Http1Request> = {}) {
  return pool.request({ method: 'GET', url: new URL(`${base}${path}`), headers: { Accept: 'application/json' }, timeoutMs: 5_000, ...extra });
}

test('a Content-Length answer is read whole, and the socket is kept for the next request', async () => {
  const pool = new Http1Pool();
  reply = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-RateLimit-Remaining-Sandbox: 7\r\nContent-Length: 13\r\n\r\n{"id":"sb-1"}';
  const before = connections;
  const first = await get(pool);
  const second = await get(pool);
  assert.equal(first.status, 200);
  assert.equal(first.statusText, 'OK');
  assert.equal(first.body.toString(), '{"id":"sb-1"}');
  assert.deepEqual(first.rawHeaders, ['Content-Type', 'application/json', 'X-RateLimit-Remaining-Sandbox', '7', 'Content-Length', '13']);
  assert.equal(second.body.toString(), '{"id":"sb-1"}');
  assert.equal(connections - before, 1, 'one connection for both');
  assert.match(requests.at(-1)!, /^GET \/x HTTP\/1\.1\r\nHost: 127\.0\.0\.1:\d+\r\nAccept: application\/json\r\nConnection: keep-alive\r\n\r\n$/);
  pool.close();
});

test('a chunked answer (extensions, trailers, split anywhere) is joined; 1xx answers before it are skipped', async () => {
  const pool = new Http1Pool();
  const whole = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n';
  // Every split point: the answer arrives in two writes, with a pause between them.
  for (const at of [1, 20, 60, 100, 118, 122, 126, 131, whole.length - 3, whole.length - 1]) {
    reply = (socket) => {
      socket.write(whole.slice(0, at));
      setTimeout(() => socket.write(whole.slice(at)), 5);
    };
    const answer = await get(pool);
    assert.equal(answer.status, 201, `split at ${at}`);
    assert.equal(answer.body.toString(), 'hello 0123456789', `split at ${at}`);
  }
  pool.close();
});

test('an answer framed by the end of the connection is read to the end, and that socket is not reused', async () => {
  const pool = new Http1Pool();
  reply = (socket) => socket.end('HTTP/1.1 200 OK\r\n\r\n{"framed":"by close"}');
  const before = connections;
  assert.equal((await get(pool)).body.toString(), '{"framed":"by close"}');
  reply = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}';
  await get(pool);
  assert.equal(connections - before, 2);
  pool.close();
});

test('HEAD and 204 answers have no body; the socket stays usable', async () => {
  const pool = new Http1Pool();
  const before = connections;
  reply = 'HTTP/1.1 204 No Content\r\n\r\n';
  assert.equal((await pool.request({ method: 'DELETE', url: new URL(`${base}/sandbox/a`), headers: {} })).body.length, 0);
  reply = 'HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n';
  assert.equal((await pool.request({ method: 'HEAD', url: new URL(`${base}/x`), headers: {} })).body.length, 0);
  reply = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}';
  assert.equal((await get(pool)).body.toString(), '{}');
  assert.equal(connections - before, 1);
  pool.close();
});

test('a body goes out with its length; a POST without one says Content-Length: 0', async () => {
  const pool = new Http1Pool();
  reply = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}';
  const body = Buffer.from('{"name":"naïve-🚀"}');
  await pool.request({ method: 'POST', url: new URL(`${base}/sandbox`), headers: { 'Content-Type': 'application/json', 'Content-Length': '999' }, body });
  const sent = requests.at(-1)!;
  assert.match(sent, new RegExp(`\\r\\nContent-Length: ${body.length}\\r\\n`));
  assert.doesNotMatch(sent, /999/, 'the caller\'s Content-Length is not trusted');
  assert.ok(sent.endsWith(body.toString('latin1')));
  await pool.request({ method: 'POST', url: new URL(`${base}/sandbox/a/start`), headers: {} });
  assert.match(requests.at(-1)!, /\r\nContent-Length: 0\r\n/);
  pool.close();
});

const MALFORMED: Array<[string, string | Buffer]> = [
  ['a status line that is not HTTP', 'HTTP/2 200 OK\r\n\r\n'],
  ['a status code out of range', 'HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n'],
  ['a header line without a colon', 'HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 0\r\n\r\n'],
  ['a header name with a space', 'HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 0\r\n\r\n'],
  ['a control character in a value', 'HTTP/1.1 200 OK\r\nX-A: a\x00b\r\nContent-Length: 0\r\n\r\n'],
  ['a lone LF inside the head', 'HTTP/1.1 200 OK\r\nX-A: a\nX-B: b\r\nContent-Length: 0\r\n\r\n'],
  ['Content-Length beside Transfer-Encoding (smuggling)', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
  ['two different Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x'],
  ['a negative Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'],
  ['a transfer coding other than chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n'],
  ['a chunk size that is not hex', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n'],
  ['chunk data longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n'],
  ['an unrequested protocol switch', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'],
  ['a head over 16 KiB', `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\nContent-Length: 0\r\n\r\n`],
  ['a head over 16 KiB that never ends', `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(17 * 1024)}`],
  ['trailers over 16 KiB', `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n${'X-T: t\r\n'.repeat(3000)}\r\n`],
];
for (const [what, bytes] of MALFORMED) {
  test(`a malformed answer is an error, not a crash, a hang or a body: ${what}`, async () => {
    const pool = new Http1Pool();
    reply = bytes;
    const err = await failure(get(pool, '/x', { timeoutMs: 2_000 }));
    assert.match(String(err.code), /^(ERR_HTTP1_PROTOCOL|HPE_HEADER_OVERFLOW)$/, `${what}: ${err.code} ${err.message}`);
    assert.doesNotMatch(err.message, /undefined|NaN/);
    pool.close();
  });
}

test('bytes after a framed answer: the answer stands, the socket is not reused', async () => {
  const pool = new Http1Pool();
  reply = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nextra';
  const before = connections;
  assert.equal((await get(pool)).body.toString(), '{}');
  reply = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}';
  assert.equal((await get(pool)).body.toString(), '{}');
  assert.equal(connections - before, 2, 'the second request has a fresh connection, so the extra answer is never read as its own');
  pool.close();
});

test('a body over the limit is refused, whether declared, chunked or framed by the close', async () => {
  const pool = new Http1Pool();
  const big = 'x'.repeat(5000);
  for (const bytes of [
    `HTTP/1.1 200 OK\r\nContent-Length: 50000000\r\n\r\n${big}`,
    `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1388\r\n${big}\r\n0\r\n\r\n`,
  ]) {
    reply = bytes;
    const err = await failure(get(pool, '/x', { maxBodyBytes: 4096 }));
    assert.equal(err.code, TOO_LARGE_CODE, err.message);
  }
  reply = (socket) => socket.end(`HTTP/1.1 200 OK\r\n\r\n${big}`);
  assert.equal((await failure(get(pool, '/x', { maxBodyBytes: 4096 }))).code, TOO_LARGE_CODE);
  pool.close();
});

test('a silent server ends in the inactivity timeout; a signal cancels at once, also before sending', async () => {
  const pool = new Http1Pool();
  reply = () => undefined;
  let started = Date.now();
  const timedOut = await failure(get(pool, '/x', { timeoutMs: 150 }));
  assert.equal(timedOut.code, TIMEOUT_CODE);
  assert.ok(Date.now() - started < 3_000);
  const controller = new AbortController();
  started = Date.now();
  const pending = failure(get(pool, '/x', { signal: controller.signal, timeoutMs: 60_000 }));
  setTimeout(() => controller.abort(), 50);
  assert.equal((await pending).code, ABORT_CODE);
  assert.ok(Date.now() - started < 3_000);
  const sentBefore = requests.length;
  assert.equal((await failure(get(pool, '/x', { signal: AbortSignal.abort() }))).code, ABORT_CODE);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(requests.length, sentBefore, 'nothing sent for a request already cancelled');
  pool.close();
});

test('a connection cut mid-answer is an error; a refused connection keeps the socket\'s code', async () => {
  const pool = new Http1Pool();
  reply = (socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"half":');
    setTimeout(() => socket.destroy(), 10);
  };
  assert.equal((await failure(get(pool))).code, 'ECONNRESET');
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  assert.equal((await failure(pool.request({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/x`), headers: {} }))).code, 'ECONNREFUSED');
  pool.close();
});

test('a kept-alive socket the server closed is a connection reset, never sent again here (the gateway has one retry layer)', async () => {
  const pool = new Http1Pool();
  // Answers, then closes the connection as soon as the next request arrives, without answering it.
  let answered = 0;
  reply = (socket) => {
    if (answered++ % 2 === 0) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
    else socket.destroy();
  };
  for (const method of ['GET', 'POST']) {
    answered = 0;
    await get(pool);
    const sentBefore = requests.length;
    const err = await failure(pool.request({ method, url: new URL(`${base}/sandbox`), headers: {}, timeoutMs: 5_000 }));
    assert.equal(err.code, 'ECONNRESET', `${method}: ${err.message}`);
    assert.equal(requests.length - sentBefore, 1, `${method}: sent once`);
  }
  reply = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}';
  assert.equal((await get(pool)).body.toString(), '{}', 'the next request has a fresh connection');
  pool.close();
});

test('nothing a caller passes can add a line to the request: names, values, methods and paths are checked before sending', async () => {
  const pool = new Http1Pool();
  reply = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}';
  const sentBefore = requests.length;
  const attempts: Array<Partial<Http1Request>> = [
    { headers: { 'X-Org': 'a\r\nX-Injected: 1' } },
    { headers: { 'X-Org': 'a\nb' } },
    { headers: { 'Bad Name': 'x' } },
    { headers: { 'X-Wide': '名前' } },
    { method: 'GET /admin HTTP/1.1\r\nX:' },
  ];
  for (const a of attempts) {
    const err = await failure(get(pool, '/x', a));
    assert.match(String(err.code), /^ERR_(INVALID_HTTP_TOKEN|INVALID_CHAR)$/, JSON.stringify(a));
  }
  const url = new URL(`${base}/x`);
  Object.defineProperty(url, 'pathname', { value: '/x HTTP/1.1\r\nX-Injected: 1\r\n\r\nGET /y' });
  assert.equal((await failure(pool.request({ method: 'GET', url, headers: {} }))).code, 'ERR_UNESCAPED_CHARACTERS');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(requests.length, sentBefore, 'nothing was sent');
  // The client's own framing headers are its own: a caller's Host, Connection or Transfer-Encoding is dropped.
  await get(pool, '/x', { headers: { Host: 'evil.example', Connection: 'close', 'Transfer-Encoding': 'chunked' } });
  assert.doesNotMatch(requests.at(-1)!, /evil|chunked|close/);
  pool.close();
});

test('close() ends the idle sockets (the server sees them go) and later answers close theirs', async () => {
  const pool = new Http1Pool();
  const served: Socket[] = [];
  reply = (socket) => {
    served.push(socket);
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
  };
  const closed = (s: Socket) => new Promise<void>((r) => (s.destroyed ? r() : s.once('close', () => r())));
  await get(pool);
  pool.close();
  await closed(served[0]!);
  await get(pool);
  await closed(served[1]!);
  assert.notEqual(served[0], served[1]);
});
