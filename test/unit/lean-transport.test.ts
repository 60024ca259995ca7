/**
 * The lean transport (src/core/lean-transport.ts) keeps axios' adapter contract where the gateway
 * depends on it. Driven through the SDK's own axios (the instance its SandboxApi uses, and a fresh
 * instance of it without the SDK's interceptors for the raw AxiosError), over real sockets: the
 * emulator for API answers, a bare local HTTP server for framing the emulator never produces
 * (compressed bodies, redirects, a body that never ends).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer, globalAgent as httpsGlobalAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { Daytona } from '@daytonaio/sdk';
import { Http1Pool } from '../../src/core/http1-client';
import { errorClassesOf, headersFrom, leanAdapter, proxyConfigured, type AxiosErrorClasses, type AxiosRequestLike } from '../../src/core/lean-transport';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { failure } from '../helpers/failure';
import { LOCAL_TLS_CERT, LOCAL_TLS_KEY } from '../helpers/local-tls';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let server: Server;
let base: string;
let handler: Handler = (_req, res) => res.end('{}');
const seen: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: string }> = [];

let emu: Emulator;
let sdkAxios: { request(cfg: object): Promise<{ data: unknown; status: number; headers: Record<string, unknown> }>; create(cfg: object): SdkAxios };
type SdkAxios = typeof sdkAxios;
let raw: SdkAxios;
let classes: AxiosErrorClasses;
let nodeLean: ReturnType<typeof leanAdapter>;
let socketsLean: ReturnType<typeof leanAdapter>;
const sockets = new Http1Pool();

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  emu = await startEmulator({ transitionMs: 1 });
  const api = (new Daytona({ apiKey: emu.apiKey, apiUrl: emu.url, target: 'us' }) as unknown as { sandboxApi: { axios: SdkAxios } }).sandboxApi;
  sdkAxios = api.axios;
  raw = sdkAxios.create({});
  const found = await errorClassesOf(sdkAxios);
  assert.ok(found, 'the SDK axios error classes are found');
  classes = found;
  nodeLean = leanAdapter(classes);
  socketsLean = leanAdapter(classes, sockets);
});

after(async () => {
  sockets.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await emu.close();
});

for (const mode of ['node:http', 'own sockets'] as const) {
  // Resolved per call: the adapters are made in before().
  const lean = (config: AxiosRequestLike) => (mode === 'node:http' ? nodeLean : socketsLean)(config);

  test(`the error classes found are the ones the SDK recognises: a 404 becomes its DaytonaNotFoundError with status and headers [${mode}]`, async () => {
    const err = await failure(sdkAxios.request({ url: `${emu.url}/sandbox/no-such-sandbox`, method: 'GET', adapter: lean, headers: { Authorization: `Bearer ${emu.apiKey}` } }));
    assert.equal(err.name, 'DaytonaNotFoundError');
    assert.equal(err.statusCode, 404);
    assert.ok(err.headers, 'the answer headers travel on the error (the rate-limit budget reads them)');
    const rawErr = await failure(raw.request({ url: `${emu.url}/sandbox/no-such-sandbox`, adapter: lean, headers: { Authorization: `Bearer ${emu.apiKey}` } }));
    assert.ok(rawErr instanceof classes.AxiosError);
    assert.equal(rawErr.code, 'ERR_BAD_REQUEST');
    assert.equal((rawErr.response as { status: number }).status, 404);
  });

  test(`a JSON body goes out whole with its length, and the JSON answer is parsed [${mode}]`, async () => {
    handler = (_req, res, body) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ echoed: JSON.parse(body) }));
    };
    const payload = { name: 'naïve-名前-🚀', labels: { a: 'b' } };
    const res = await raw.request({ url: `${base}/echo`, method: 'POST', data: payload, adapter: lean });
    assert.deepEqual(res.data, { echoed: payload });
    const req = seen.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(Number(req.headers['content-length']), Buffer.byteLength(JSON.stringify(payload)));
    assert.match(String(req.headers['content-type']), /application\/json/);
    assert.match(String(req.headers['accept-encoding']), /gzip/);
  });

  for (const [encoding, pack] of [
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const) {
    test(`a ${encoding} answer is inflated, and the header that said so is dropped [${mode}]`, async () => {
      const answer = { items: Array.from({ length: 50 }, (_, i) => ({ id: `id-${i}`, name: `run-${i}` })) };
      handler = (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.setHeader('content-encoding', encoding);
        res.end(pack(Buffer.from(JSON.stringify(answer))));
      };
      const res = await raw.request({ url: `${base}/packed`, adapter: lean });
      assert.deepEqual(res.data, answer);
      assert.equal(res.headers['content-encoding'], undefined);
    });
  }

  test(`a small compressed answer that inflates past maxContentLength is cut, with axios' wording [${mode}]`, async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));
    assert.ok(bomb.length < 64 * 1024);
    handler = (_req, res) => {
      res.setHeader('content-encoding', 'gzip');
      res.end(bomb);
    };
    const err = await failure(raw.request({ url: `${base}/bomb`, adapter: lean, maxContentLength: 1024 * 1024 }));
    assert.match(err.message, /maxContentLength size of 1048576 exceeded/);
  });

  test(`a redirect is reported, not followed with the key [${mode}]`, async () => {
    handler = (req, res) => {
      if (req.url === '/moved') {
        res.statusCode = 302;
        res.setHeader('location', `${base}/elsewhere`);
        res.end();
      } else res.end('{"followed":true}');
    };
    const seenBefore = seen.length;
    const err = await failure(raw.request({ url: `${base}/moved`, adapter: lean, headers: { Authorization: 'Bearer secret-value' } }));
    assert.equal((err.response as { status: number }).status, 302);
    assert.deepEqual(seen.slice(seenBefore).map((r) => r.url), ['/moved']);
  });

  test(`an aborted signal cancels a request whose answer never comes, with a CanceledError [${mode}]`, async () => {
    handler = () => undefined; // never answers
    const controller = new AbortController();
    const pending = failure(raw.request({ url: `${base}/hang`, adapter: lean, signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const err = await pending;
    assert.ok(err instanceof classes.CanceledError, err.message);
    assert.ok(Date.now() - started < 2000);
    const already = await failure(raw.request({ url: `${base}/hang`, adapter: lean, signal: AbortSignal.abort() }));
    assert.ok(already instanceof classes.CanceledError);
  });

  test(`a timeout ends a hung request with axios' ECONNABORTED, which the SDK calls a connection timeout [${mode}]`, async () => {
    handler = () => undefined;
    const err = await failure(raw.request({ url: `${base}/hang`, adapter: lean, timeout: 100 }));
    assert.equal(err.code, 'ECONNABORTED');
    assert.match(err.message, /timeout of 100ms exceeded/);
    const viaSdk = await failure(sdkAxios.request({ url: `${base}/hang`, adapter: lean, timeout: 100 }));
    assert.equal(viaSdk.name, 'DaytonaConnectionTimeoutError');
  });

  test(`a refused connection is a network error with the socket code, which the SDK calls a connection error [${mode}]`, async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await failure(raw.request({ url: `http://127.0.0.1:${port}/x`, adapter: lean }));
    assert.equal(err.code, 'ECONNREFUSED');
    assert.equal(err.response, undefined);
    const viaSdk = await failure(sdkAxios.request({ url: `http://127.0.0.1:${port}/x`, adapter: lean }));
    assert.equal(viaSdk.name, 'DaytonaConnectionError');
  });

  test(`a status check that throws is the request's error, not an uncaught one [${mode}]`, async () => {
    handler = (_req, res) => res.end('{}');
    const err = await failure(raw.request({ url: `${base}/x`, adapter: lean, validateStatus: () => { throw new Error('check failed'); } }));
    assert.match(err.message, /check failed/);
  });

  test(`what it does not serve is refused by name, never sent half-understood [${mode}]`, async () => {
    const seenBefore = seen.length;
    const err = await failure(raw.request({ url: `${base}/x`, adapter: lean, responseType: 'stream' }));
    assert.equal(err.code, 'ERR_NOT_SUPPORT');
    const withParams = await failure(raw.request({ url: `${base}/x`, adapter: lean, params: { a: 1 } }));
    assert.equal(withParams.code, 'ERR_NOT_SUPPORT');
    assert.equal(seen.length, seenBefore);
  });

  for (const encoding of ['identity', 'gzip'] as const) {
    test(`an answer cut off half-way (${encoding}) is a connection error, not a crash or a hang [${mode}]`, async () => {
      const whole = Buffer.from(JSON.stringify({ items: Array.from({ length: 2000 }, (_, i) => ({ id: `id-${i}` })) }));
      const body = encoding === 'gzip' ? gzipSync(whole) : whole;
      handler = (_req, res) => {
        res.setHeader('content-length', String(body.length));
        if (encoding === 'gzip') res.setHeader('content-encoding', 'gzip');
        res.flushHeaders();
        res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
      };
      const err = await failure(raw.request({ url: `${base}/cut`, adapter: lean, timeout: 5000 }));
      assert.ok(err instanceof classes.AxiosError, err.message);
      assert.doesNotMatch(err.message, /timeout/);
    });
  }

}

test('a proxy in the environment, under any of the names axios honours, is noticed', () => {
  assert.equal(proxyConfigured({}), false);
  for (const name of ['HTTPS_PROXY', 'http_proxy', 'ALL_PROXY', 'npm_config_proxy']) {
    assert.equal(proxyConfigured({ [name]: 'http://proxy.example:3128' }), true, name);
  }
  assert.equal(proxyConfigured({ HTTPS_PROXY: '' }), false);
});

test('an axios without create, or one whose cancel error is not an AxiosError, gives no classes', async () => {
  assert.equal(await errorClassesOf(undefined), undefined);
  assert.equal(await errorClassesOf({}), undefined);
  const notAxios = { create: () => async () => Promise.reject(new TypeError('not axios')) };
  assert.equal(await errorClassesOf(notAxios), undefined);
});

test('the gateway sends its calls through the lean transport, and through axios\' own adapter when a proxy is set', async () => {
  const { createSdkGateway } = await import('../../src/core/sdk-gateway');
  const credentials = { apiKey: 'lean-transport-test-key', apiUrl: base, target: 'us', source: 'env' as const, origin: 'test' };
  // A server that redirects every sandbox read: axios' adapter follows it, the lean one reports it.
  handler = (req, res) => {
    if (req.url?.startsWith('/sandbox/')) {
      res.statusCode = 302;
      res.setHeader('location', `${base}/followed`);
      res.end();
    } else res.end('{"id":"followed"}');
  };
  const direct = await createSdkGateway({ credentials, retry: { ...(await import('../../src/core/retry')).DEFAULT_RETRY, maxAttempts: 1 } });
  let seenBefore = seen.length;
  await assert.rejects(direct.get('sb-1'));
  assert.deepEqual(seen.slice(seenBefore).map((r) => r.url), ['/sandbox/sb-1'], 'one request, the redirect not followed');
  await direct.dispose();

  // With a proxy configured, requests go to the proxy as absolute URLs (axios' adapter), which this
  // server, standing in for the proxy, answers with a sandbox.
  handler = (_req, res) => res.end('{"id":"via-proxy","name":"via-proxy","state":"started"}');
  const saved = process.env.HTTP_PROXY;
  process.env.HTTP_PROXY = base;
  try {
    const proxied = await createSdkGateway({ credentials: { ...credentials, apiUrl: 'http://daytona.invalid/api' } });
    seenBefore = seen.length;
    const s = await proxied.get('sb-2');
    assert.equal(s.id, 'via-proxy');
    assert.deepEqual(seen.slice(seenBefore).map((r) => r.url), ['http://daytona.invalid/api/sandbox/sb-2']);
    await proxied.dispose();
  } finally {
    if (saved === undefined) delete process.env.HTTP_PROXY;
    else process.env.HTTP_PROXY = saved;
  }
});

test('over HTTPS (the real API\'s scheme) the certificate is checked: an untrusted one is refused, a trusted one serves', async () => {
  const auths: unknown[] = [];
  const tls = createHttpsServer({ key: LOCAL_TLS_KEY, cert: LOCAL_TLS_CERT }, (req, res) => {
    auths.push(req.headers.authorization);
    res.setHeader('content-type', 'application/json');
    res.setHeader('content-encoding', 'gzip');
    res.end(gzipSync(JSON.stringify({ id: 'sb-tls', name: 'over-tls', state: 'started' })));
  });
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
  try {
    for (const lean of [nodeLean, socketsLean]) {
      const refused = await failure(raw.request({ url: `${url}/x`, adapter: lean }));
      assert.match(String(refused.code), /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
      assert.equal(refused.response, undefined);
    }

    const trusted = new HttpsAgent({ ca: LOCAL_TLS_CERT, keepAlive: true });
    const res = await raw.request({ url: `${url}/x`, adapter: nodeLean, httpsAgent: trusted });
    assert.equal((res.data as { name: string }).name, 'over-tls');
    trusted.destroy();

    // The gateway uses the global agent, as axios did: trusted there, its call goes over TLS with the
    // key, on node's https or on its own sockets (which take the global agent's CA too).
    const { createSdkGateway } = await import('../../src/core/sdk-gateway');
    const saved = httpsGlobalAgent.options.ca;
    httpsGlobalAgent.options.ca = LOCAL_TLS_CERT;
    try {
      for (const ownSockets of [false, true]) {
        const gateway = await createSdkGateway({ credentials: { apiKey: 'tls-test-key-000000', apiUrl: url, target: 'us', source: 'env', origin: 'test' }, ownSockets });
        const sandbox = await gateway.get('sb-tls');
        assert.equal(sandbox.name, 'over-tls', `ownSockets: ${ownSockets}`);
        assert.equal(auths.at(-1), 'Bearer tls-test-key-000000');
        await gateway.dispose();
      }
    } finally {
      httpsGlobalAgent.options.ca = saved;
      httpsGlobalAgent.destroy();
    }
  } finally {
    tls.closeAllConnections();
    await new Promise((r) => tls.close(r));
  }
});

test('answer headers by lower-case name: repeats joined, set-cookie a list, no name reaches the prototype (__proto__ is dropped)', () => {
  const h = headersFrom(['X-RateLimit-Remaining-Authenticated', '7', 'Vary', 'Origin', 'vary', 'Accept', 'Set-Cookie', 'a=1', 'set-cookie', 'b=2', '__proto__', 'x', 'constructor', 'y']);
  assert.equal(h['x-ratelimit-remaining-authenticated'], '7');
  assert.equal(h.vary, 'Origin, Accept');
  assert.deepEqual(h['set-cookie'], ['a=1', 'b=2']);
  assert.equal(Object.getPrototypeOf(h), Object.prototype, 'a plain object, as node\'s own');
  assert.equal(h.constructor, 'y', 'an inherited name is not taken for a repeat');
  assert.deepEqual(Object.keys(h), ['x-ratelimit-remaining-authenticated', 'vary', 'set-cookie', 'constructor']);
});
