/**
 * axios' `request()` for the SDK's generated API objects (SandboxApi), without axios' per-request
 * pipeline: the gateway's calls on the hot path (get_sandbox, list pages, the tree's polls).
 *
 * The generated API builds the whole request itself (URL with its query, auth and organisation
 * headers, a JSON string body) and hands it to `axios.request()`. axios then merges defaults, builds
 * header objects and runs a promise chain: about 0.13 ms of CPU per call, as much as the rest of a
 * get_sandbox in our server. This requester keeps what the gateway relies on of that step and does
 * nothing else:
 * - the SDK's own interceptors run, in axios' order (request ones last-registered first, then the
 *   response ones): its error mapping (AxiosError → DaytonaError with status and headers), its trace
 *   headers, and our bounds (api-bounds.ts boundTransport);
 * - the instance's timeout, size limits and status check are the defaults under each call's own;
 * - JSON answers are parsed as axios does by default: a text that is not JSON stays text, also in an
 *   error's response (the SDK reads the API's message from it).
 * The socket work is the lean adapter's (lean-transport.ts). Response headers stay node's plain
 * object (lower-case names), which the rate pacer and the error mapping read as they read axios'.
 */

type Handler = ((value: unknown) => unknown) | null | undefined;

interface Interceptor {
  fulfilled?: Handler;
  rejected?: Handler;
  runWhen?: ((config: unknown) => boolean) | null;
}

/** The part of an axios instance the requester reads. */
export interface AxiosInstanceLike {
  defaults?: { timeout?: number; maxContentLength?: number; maxBodyLength?: number; validateStatus?: ((status: number) => boolean) | null };
  interceptors?: {
    request?: { forEach(fn: (h: Interceptor) => void): void };
    response?: { forEach(fn: (h: Interceptor) => void): void };
  };
}

/** What the generated API calls: `axios.request(config)`, and `axios.defaults.baseURL` (unset here). */
export interface Requester {
  defaults: Record<string, never>;
  request(config: Record<string, unknown>): Promise<unknown>;
}

type Adapter = (config: Record<string, unknown>) => Promise<unknown>;

/** axios' default parse (transitional forcedJSONParsing, silentJSONParsing): JSON if it is JSON. */
function parsed(data: unknown): unknown {
  if (typeof data !== 'string' || data === '') return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

export function leanRequester(axios: AxiosInstanceLike, adapter: Adapter): Requester {
  const d = axios.defaults ?? {};
  const dispatch = (config: unknown) =>
    adapter(config as Record<string, unknown>).then(
      (res) => {
        const r = res as { data?: unknown };
        r.data = parsed(r.data);
        return r;
      },
      (err: unknown) => {
        const response = (err as { response?: { data?: unknown } } | null)?.response;
        if (response) response.data = parsed(response.data);
        throw err;
      },
    );
  return {
    defaults: {},
    request(config) {
      const merged: Record<string, unknown> = {
        timeout: d.timeout,
        maxContentLength: d.maxContentLength,
        maxBodyLength: d.maxBodyLength,
        validateStatus: d.validateStatus,
        ...config,
        headers: { ...(config.headers as object | undefined) },
      };
      // Read on every call, as axios does: an interceptor added after the gateway was made still runs.
      const before: Handler[] = [];
      axios.interceptors?.request?.forEach((h) => {
        if (typeof h.runWhen === 'function' && h.runWhen(merged) === false) return;
        before.unshift(h.fulfilled, h.rejected);
      });
      const after: Handler[] = [];
      axios.interceptors?.response?.forEach((h) => after.push(h.fulfilled, h.rejected));
      const chain: Handler[] = [...before, dispatch, undefined, ...after];
      let promise: Promise<unknown> = Promise.resolve(merged);
      for (let i = 0; i < chain.length; i += 2) promise = promise.then(chain[i] ?? undefined, chain[i + 1] ?? undefined);
      return promise;
    },
  };
}

/**
 * The same generated API object (its configuration and base path), with `requester` in place of its
 * axios instance: every generated method it has then goes through the requester.
 */
export function withRequester<T extends object>(api: T, requester: Requester): T {
  const base = api as unknown as { configuration?: unknown; basePath?: string; constructor: new (configuration: unknown, basePath: string | undefined, axios: Requester) => T };
  return new base.constructor(base.configuration, base.basePath, requester);
}

/** What a generated api-client object holds (BaseAPI's fields) that its requests are built from. */
export interface GeneratedApiBase {
  configuration?: { basePath?: string; accessToken?: unknown; baseOptions?: { headers?: Record<string, unknown> } & Record<string, unknown> };
  basePath?: string;
}

interface GeneratedApi extends GeneratedApiBase {
  getSandbox(idOrName: string, org?: string, verbose?: boolean, options?: Record<string, unknown>): Promise<unknown>;
}

/**
 * The request config a generated api-client method hands to axios for a GET of `path` without a query
 * (path parameters already encoded): the configuration's options under the call's own, the bearer
 * token when the configuration holds one as text, `Accept`, the configuration's headers, then the
 * call's own, and the URL under the base path.
 */
export function generatedGet(api: GeneratedApiBase, path: string, options: object = {}): Record<string, unknown> {
  const config = api.configuration;
  const baseOptions = config?.baseOptions ?? {};
  const token = typeof config?.accessToken === 'string' && config.accessToken ? { Authorization: `Bearer ${config.accessToken}` } : {};
  return {
    method: 'GET',
    ...baseOptions,
    ...options,
    headers: { ...token, Accept: 'application/json', ...baseOptions.headers, ...(options as { headers?: object }).headers },
    url: `${config?.basePath ?? api.basePath ?? ''}${path}`,
  };
}

/**
 * `api` with its getSandbox written out over `requester`: the gateway's hottest call (every
 * get_sandbox, and every lifecycle call reads its sandbox first). The generated method parses a URL
 * and search parameters and awaits the token for a path with no query: about a third of what the
 * request costs us before it leaves. The request is the generated one, byte for byte
 * (test/unit/lean-client.test.ts compares them): the same method, URL, headers and options. What it
 * does not write out goes to the generated method: an organisation or `verbose`, a token that is a
 * function, and the ids "." and ".." (which the generated URL resolves as path segments).
 */
export function withDirectRead<T extends GeneratedApi>(api: T, requester: Requester): T {
  const token = api.configuration?.accessToken;
  if (token !== undefined && typeof token !== 'string') return api;
  const generated = api.getSandbox.bind(api);
  const getSandbox: GeneratedApi['getSandbox'] = (idOrName, org, verbose, options = {}) => {
    if (typeof idOrName !== 'string' || org !== undefined || verbose !== undefined || idOrName === '.' || idOrName === '..') {
      return generated(idOrName, org, verbose, options);
    }
    return requester.request(generatedGet(api, `/sandbox/${encodeURIComponent(idOrName)}`, options));
  };
  // The generated API's other methods stay as they are (they read configuration and axios from it).
  return Object.assign(Object.create(api) as T, { getSandbox });
}
