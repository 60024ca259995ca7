/**
 * The lean requester (src/core/lean-client.ts) stands in for axios' request() under the SDK's own
 * generated SandboxApi. Each behaviour is checked against axios itself where axios defines it: the
 * same call through the SDK's axios (with the same lean adapter underneath) and through the requester
 * must give the same answer, the same error, and run the same interceptors in the same order. Real
 * sockets: the emulator for API answers, a bare local server for what the emulator never sends.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Daytona } from '@daytonaio/sdk';
import { createRequire } from 'node:module';
import { errorClassesOf, leanAdapter } from '../../src/core/lean-transport';
import { generatedGet, leanRequester, withDirectRead, withRequester, type AxiosInstanceLike, type Requester } from '../../src/core/lean-client';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { failure } from '../helpers/failure';

type Resp = { data: unknown; status: number; headers: Record<string, unknown> };
interface Api {
  axios: AxiosInstanceLike & { request(cfg: object): Promise<Resp>; interceptors: { request: { use(f: (c: Record<string, unknown>) => unknown, r?: unknown, o?: object): number; eject(id: number): void }; response: { use(f: (r: Resp) => unknown, e?: (err: unknown) => unknown): number; eject(id: number): void } } };
  getSandbox(id: string, org?: undefined, verbose?: undefined, options?: object): Promise<Resp>;
  listSandboxes(...args: unknown[]): Promise<Resp>;
  replaceLabels(id: string, body: { labels: Record<string, string> }, org?: undefined, options?: object): Promise<Resp>;
}

let emu: Emulator;
let server: Server;
let base: string;
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('{}');
let lean: (config: Record<string, unknown>) => Promise<unknown>;

/** The SDK's own SandboxApi for `apiUrl`, and the same API over the lean requester. */
function apis(apiUrl: string, apiKey: string, extra: object = {}): { sdk: Api; viaRequester: Api } {
  const sdk = (new Daytona({ apiKey, apiUrl, target: 'us', ...extra }) as unknown as { sandboxApi: Api }).sandboxApi;
  return { sdk, viaRequester: withRequester(sdk, leanRequester(sdk.axios, lean)) };
}

before(async () => {
  emu = await startEmulator({ transitionMs: 1 });
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { sdk } = apis(emu.url, emu.apiKey);
  const classes = await errorClassesOf(sdk.axios);
  assert.ok(classes);
  lean = leanAdapter(classes) as (config: Record<string, unknown>) => Promise<unknown>;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await emu.close();
});

test('a sandbox read and a filtered list page are the answers axios gives, parsed, with the rate-limit headers', async () => {
  emu.reset();
  const made = emu.seedSandbox({ name: 'lean-one', labels: { team: 'a' } });
  emu.seedSandbox({ name: 'lean-two', labels: { team: 'b' } });
  const { sdk, viaRequester } = apis(emu.url, emu.apiKey);
  const viaAxios = await sdk.getSandbox(made.id, undefined, undefined, { adapter: lean });
  const got = await viaRequester.getSandbox(made.id);
  assert.equal(got.status, 200);
  assert.deepEqual(got.data, viaAxios.data);
  assert.equal((got.data as { name: string }).name, 'lean-one');
  assert.match(String(got.headers['x-ratelimit-remaining-authenticated']), /^\d+$/, 'headers by lower-case name');

  // The SDK builds the query (labels as JSON, a cursor, a limit): both paths send the same one.
  const args = [undefined, undefined, 10, undefined, undefined, JSON.stringify({ team: 'b' })];
  const pageAxios = await sdk.listSandboxes(...args, ...new Array(30).fill(undefined), { adapter: lean });
  const page = await viaRequester.listSandboxes(...args);
  assert.deepEqual(page.data, pageAxios.data);
  assert.deepEqual((page.data as { items: Array<{ name: string }> }).items.map((s) => s.name), ['lean-two']);
});

test('a JSON body goes out as the SDK serialised it', async () => {
  emu.reset();
  const made = emu.seedSandbox({ name: 'labelled', labels: { a: '1' } });
  const { viaRequester } = apis(emu.url, emu.apiKey);
  const res = await viaRequester.replaceLabels(made.id, { labels: { b: '2', note: 'ünïcode ✓' } });
  assert.deepEqual((res.data as { labels: unknown }).labels, { b: '2', note: 'ünïcode ✓' });
  assert.deepEqual(emu.sandboxes().find((x) => x.id === made.id)?.labels, { b: '2', note: 'ünïcode ✓' });
});

test('an API error is the SDK\'s own error, as through axios: status, headers and the API\'s message', async () => {
  const { sdk, viaRequester } = apis(emu.url, emu.apiKey);
  const viaAxios = await failure(sdk.getSandbox('no-such-sandbox', undefined, undefined, { adapter: lean }));
  const err = await failure(viaRequester.getSandbox('no-such-sandbox'));
  assert.equal(err.name, 'DaytonaNotFoundError');
  assert.equal(err.constructor, viaAxios.constructor);
  assert.equal(err.statusCode, 404);
  assert.equal(err.message, viaAxios.message, 'the message the SDK reads from the parsed error body');
  assert.ok((err.headers as Record<string, unknown>)['x-ratelimit-limit-authenticated'], 'the headers travel on the error');

  const denied = await failure(apis(emu.url, 'not-the-key').viaRequester.getSandbox('x'));
  assert.equal(denied.statusCode, 401);
  assert.equal(denied.name, (await failure(apis(emu.url, 'not-the-key').sdk.getSandbox('x', undefined, undefined, { adapter: lean }))).name);
});

test('answers that are not JSON stay text, as axios leaves them; an empty one stays empty', async () => {
  const { sdk, viaRequester } = apis(base, 'k');
  for (const body of ['plain words', '{"cut": ', '']) {
    handler = (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(body);
    };
    const viaAxios = await sdk.getSandbox('x', undefined, undefined, { adapter: lean });
    const got = await viaRequester.getSandbox('x');
    assert.equal(got.data, body);
    assert.equal(got.data, viaAxios.data);
  }
  // A 500 whose body is not JSON: the SDK still makes its error from it, the same one.
  handler = (_req, res) => {
    res.statusCode = 500;
    res.end('upstream <b>exploded</b>');
  };
  const viaAxios = await failure(sdk.getSandbox('x', undefined, undefined, { adapter: lean }));
  const err = await failure(viaRequester.getSandbox('x'));
  assert.equal(err.statusCode, 500);
  assert.equal(err.message, viaAxios.message);
});

test('interceptors run as axios runs them: request ones last-added first, runWhen honoured, then the response ones in order', async () => {
  emu.reset();
  const made = emu.seedSandbox({ name: 'order' });
  const { sdk, viaRequester } = apis(emu.url, emu.apiKey);
  const order: string[] = [];
  const ids = {
    first: sdk.axios.interceptors.request.use((c) => (order.push('request 1'), c)),
    second: sdk.axios.interceptors.request.use((c) => (order.push('request 2'), c)),
    skipped: sdk.axios.interceptors.request.use((c) => (order.push('never'), c), undefined, { runWhen: () => false }),
    res1: sdk.axios.interceptors.response.use((r) => (order.push('response 1'), r)),
    res2: sdk.axios.interceptors.response.use((r) => (order.push('response 2'), r)),
  };
  try {
    await sdk.getSandbox(made.id, undefined, undefined, { adapter: lean });
    const viaAxios = order.splice(0);
    await viaRequester.getSandbox(made.id);
    assert.deepEqual(order, viaAxios);
    assert.deepEqual(order, ['request 2', 'request 1', 'response 1', 'response 2']);

    // One added after the requester was made runs too, and one ejected no longer does.
    sdk.axios.interceptors.request.eject(ids.first);
    const late = sdk.axios.interceptors.request.use((c) => (order.push('late'), c));
    order.length = 0;
    await viaRequester.getSandbox(made.id);
    assert.deepEqual(order, ['late', 'request 2', 'response 1', 'response 2']);
    sdk.axios.interceptors.request.eject(late);
  } finally {
    for (const id of [ids.first, ids.second, ids.skipped]) sdk.axios.interceptors.request.eject(id);
    for (const id of [ids.res1, ids.res2]) sdk.axios.interceptors.response.eject(id);
  }
});

test('the instance\'s own timeout applies to a call that sets none; a call\'s own options win', { timeout: 20_000 }, async () => {
  handler = () => undefined; // never answers
  const { sdk, viaRequester } = apis(base, 'k', { requestTimeoutMs: 150 });
  const started = Date.now();
  const err = await failure(viaRequester.getSandbox('x'));
  assert.ok(Date.now() - started < 5_000);
  const viaAxios = await failure(sdk.getSandbox('x', undefined, undefined, { adapter: lean }));
  assert.equal(err.name, 'DaytonaConnectionTimeoutError');
  assert.equal(err.message, viaAxios.message);
  assert.match(err.message, /150 ?ms/);
  const own = await failure(viaRequester.getSandbox('x', undefined, undefined, { timeout: 50 }));
  assert.match(own.message, /50 ?ms/);
  server.closeAllConnections();
});

test('the gateway makes its calls over the requester, and over the SDK\'s axios when a proxy is set', async () => {
  const { createSdkGateway } = await import('../../src/core/sdk-gateway');
  emu.reset();
  const made = emu.seedSandbox({ name: 'via-gateway' });
  const credentials = { apiKey: emu.apiKey, apiUrl: emu.url, target: 'us', source: 'env' as const, origin: 'test' };
  // axios' request() is the one thing the two paths do not share: count its calls. An instance copies
  // it from Axios.prototype when made, so the gateways below (made after this) see the counter. Both
  // builds of axios: the SDK's CommonJS one (required) and its ES module one (the gateway imports it).
  type AxiosModule = { Axios: { prototype: { request: (...a: unknown[]) => unknown } } };
  const cjs = createRequire(require.resolve('@daytonaio/sdk'))('axios') as AxiosModule;
  const esm = ((await import('axios')) as unknown as { default: AxiosModule }).default;
  const protos = [...new Set([cjs.Axios.prototype, esm.Axios.prototype])];
  const originals = protos.map((p) => p.request);
  let axiosRequests = 0;
  protos.forEach((p, i) => {
    p.request = function (this: unknown, ...a: unknown[]) {
      axiosRequests++;
      return originals[i]!.apply(this, a);
    };
  });
  try {
    const gateway = await createSdkGateway({ credentials });
    axiosRequests = 0;
    assert.equal((await gateway.get(made.id)).name, 'via-gateway');
    assert.equal((await gateway.listPage({ limit: 5 })).items.length, 1);
    assert.equal(axiosRequests, 0, 'no call went through axios\' request()');
    await gateway.dispose();

    const saved = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = 'http://127.0.0.1:9';
    try {
      const proxied = await createSdkGateway({ credentials, retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 } });
      axiosRequests = 0;
      await proxied.get(made.id).catch(() => undefined); // the proxy port is closed; only the path matters
      assert.ok(axiosRequests >= 1, 'with a proxy, axios makes the call');
      await proxied.dispose();
    } finally {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
    }
  } finally {
    protos.forEach((p, i) => (p.request = originals[i]!));
  }
});

test('the written-out sandbox read sends exactly the request the generated method builds', async () => {
  const recorded: Array<Record<string, unknown>> = [];
  const recorder: Requester = { defaults: {}, request: async (config) => (recorded.push(config), { data: {}, status: 200, headers: {} }) };
  for (const extra of [{}, { organizationId: 'org-7', jwtToken: 'jwt-token-value-0123456789' }]) {
    const sdk = (new Daytona({ apiKey: 'extra' in extra ? undefined : 'key-0123456789abcdef', apiUrl: 'https://api.example.test/api', target: 'us', ...extra }) as unknown as { sandboxApi: Api }).sandboxApi;
    // Options the SDK may put next to its headers travel too (and a call's own win over them).
    (sdk as unknown as { configuration: { baseOptions: Record<string, unknown> } }).configuration.baseOptions.timeout = 4321;
    const generated = withRequester(sdk, recorder) as unknown as Api;
    const direct = withDirectRead(generated as never, recorder) as unknown as Api;
    assert.notEqual(direct.getSandbox, generated.getSandbox, 'the read is written out');
    const ids = ['sb-1', 'name with spaces', 'ünï/cødé?#&=', "it's(*)!~", '%2e', '%2E%2E', 'a/../b', '.', '..', ''];
    for (const id of ids) {
      for (const options of [undefined, { timeout: 1234, signal: AbortSignal.timeout(60_000), headers: { 'X-Extra': '1' } }]) {
        recorded.length = 0;
        await generated.getSandbox(id, undefined, undefined, options);
        await direct.getSandbox(id, undefined, undefined, options);
        assert.equal(recorded.length, 2);
        assert.deepEqual(recorded[1], recorded[0], `the request for ${JSON.stringify(id)}`);
      }
    }
    // The organisation usage read (sdk-gateway.ts) is written out the same way: the api-client's own
    // OrganizationsApi builds the same request.
    const { OrganizationsApi } = createRequire(require.resolve('@daytonaio/sdk'))('@daytona/api-client') as { OrganizationsApi: new (c: unknown, b: string, a: Requester) => { getOrganizationUsageOverview(id: string, o?: object): Promise<unknown> } };
    for (const org of ['org-7', 'ü org/..?']) {
      recorded.length = 0;
      await new OrganizationsApi((sdk as unknown as { configuration: unknown }).configuration, '', recorder).getOrganizationUsageOverview(org, { timeout: 99 });
      await recorder.request(generatedGet(sdk as never, `/organizations/${encodeURIComponent(org)}/usage`, { timeout: 99 }));
      assert.deepEqual(recorded[1], recorded[0], `the usage request for ${JSON.stringify(org)}`);
    }
    // What it does not write out goes to the generated method: the same request again.
    recorded.length = 0;
    await generated.getSandbox('sb-1', 'org-x' as never, true as never);
    await direct.getSandbox('sb-1', 'org-x' as never, true as never);
    assert.deepEqual(recorded[1], recorded[0]);
    assert.match(String(recorded[0]!.url), /verbose=true/);
  }
  // A token the generated method must await: no written-out read at all.
  const sdk = (new Daytona({ apiKey: 'k', apiUrl: 'https://api.example.test/api', target: 'us' }) as unknown as { sandboxApi: Api & { configuration: { accessToken?: unknown } } }).sandboxApi;
  const viaRequester = withRequester(sdk, recorder);
  (viaRequester as unknown as { configuration: { accessToken?: unknown } }).configuration = { ...sdk.configuration, accessToken: async () => 'later' };
  assert.equal(withDirectRead(viaRequester as never, recorder), viaRequester);
});
