/**
 * The socket layer under the SDK's API client, for the gateway's own calls.
 *
 * The SDK's generated SandboxApi still builds every request (URL, auth, organisation headers); the
 * SDK's interceptors, its error mapping and JSON parsing still run (through the lean requester,
 * lean-client.ts). Here axios' node http adapter is replaced. That adapter wraps each request in
 * follow-redirects and a stream pipeline and costs about 0.2 ms of CPU per call, more than everything
 * else the MCP server does for a get_sandbox. This one makes one node:http(s) request on the same
 * global keep-alive agents and reads the answer into one buffer, or, in the MCP server process, one
 * exchange on the gateway's own sockets (http1-client.ts), which skips node:http's client as well.
 *
 * It keeps the adapter's contract where the gateway depends on it: a non-2xx answer rejects with an
 * AxiosError carrying the response (so the SDK's DaytonaError has status and headers), a network
 * failure with one carrying the socket's code, an aborted signal with a CanceledError, the timeout
 * and maxContentLength errors with axios' own wording, and compressed answers are inflated (and
 * bounded after inflating). Redirects are not followed: the API does not redirect its calls, and an
 * answer that does is reported, not chased with the key.
 *
 * It serves what the gateway sends: JSON or no body, a JSON or text answer. With a proxy in the
 * environment the gateway keeps axios' http adapter, which honours it (see proxyConfigured).
 */
// Bare names, as axios imports them: the editor's proxy support patches the modules under these names.
import * as http from 'http';
import * as https from 'https';
import { brotliDecompressSync, createBrotliDecompress, createUnzip, unzipSync } from 'node:zlib';
import { ABORT_CODE, TIMEOUT_CODE, TOO_LARGE_CODE, type Http1Pool } from './http1-client';

/** What the adapter reads of axios' request config (after axios merged and transformed it). */
export interface AxiosRequestLike {
  url?: string;
  baseURL?: string;
  method?: string;
  headers?: { toJSON?(): Record<string, unknown> } & Record<string, unknown>;
  data?: unknown;
  params?: unknown;
  auth?: unknown;
  proxy?: unknown;
  socketPath?: unknown;
  transport?: unknown;
  responseType?: string;
  responseEncoding?: string;
  decompress?: boolean;
  timeout?: number;
  signal?: AbortSignal;
  maxContentLength?: number;
  maxBodyLength?: number;
  validateStatus?: ((status: number) => boolean) | null;
  onUploadProgress?: unknown;
  onDownloadProgress?: unknown;
  httpAgent?: http.Agent;
  httpsAgent?: https.Agent;
}

/** axios' error classes, as the SDK's own copy of axios defines them (see errorClassesOf). */
export interface AxiosErrorClasses {
  AxiosError: new (message: string, code?: string, config?: unknown, request?: unknown, response?: unknown) => Error;
  CanceledError: new (message: string | null | undefined, config?: unknown, request?: unknown) => Error;
}

type Adapter = (config: AxiosRequestLike) => Promise<unknown>;

/** The proxy variables axios' http adapter honours (via proxy-from-env); any set, it handles the request. */
const PROXY_VARIABLES = ['http_proxy', 'https_proxy', 'all_proxy', 'npm_config_http_proxy', 'npm_config_https_proxy', 'npm_config_proxy'];

export function proxyConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return PROXY_VARIABLES.some((name) => Boolean(env[name] || env[name.toUpperCase()]));
}

/**
 * axios' error classes from an axios instance, without importing axios (the bundle would hold a
 * second copy whose classes the SDK's `instanceof AxiosError` does not recognise): a fresh instance
 * (no interceptors) rejects a request whose signal is already aborted with its CanceledError, whose
 * parent class is AxiosError. Undefined when that does not hold (another axios): no lean transport.
 */
export async function errorClassesOf(axiosInstance: unknown): Promise<AxiosErrorClasses | undefined> {
  const create = (axiosInstance as { create?: (cfg: object) => (cfg: object) => Promise<unknown> } | undefined)?.create;
  if (typeof create !== 'function') return undefined;
  try {
    await create.call(axiosInstance, {})({ url: 'http://127.0.0.1/', signal: AbortSignal.abort() });
  } catch (err) {
    const CanceledError = (err as object | null)?.constructor as AxiosErrorClasses['CanceledError'] | undefined;
    const AxiosError = CanceledError && (Object.getPrototypeOf(CanceledError) as AxiosErrorClasses['AxiosError']);
    if (
      (err as { name?: unknown }).name === 'CanceledError' &&
      typeof AxiosError === 'function' &&
      AxiosError.prototype instanceof Error &&
      err instanceof AxiosError
    ) {
      return { AxiosError, CanceledError: CanceledError! };
    }
  }
  return undefined;
}

/** Request configs the lean path serves; anything else is refused by name (see leanAdapter). */
function servable(config: AxiosRequestLike): boolean {
  const body = config.data;
  return (
    (body === undefined || body === null || typeof body === 'string' || Buffer.isBuffer(body)) &&
    (config.responseType === undefined || config.responseType === 'json' || config.responseType === 'text') &&
    (config.responseEncoding === undefined || config.responseEncoding === 'utf8') &&
    config.params === undefined &&
    config.auth === undefined &&
    (config.proxy === undefined || config.proxy === false) &&
    config.socketPath === undefined &&
    config.transport === undefined &&
    config.onUploadProgress === undefined &&
    config.onDownloadProgress === undefined &&
    config.decompress !== false
  );
}

function headersOf(config: AxiosRequestLike): Record<string, string> {
  const raw = typeof config.headers?.toJSON === 'function' ? config.headers.toJSON() : (config.headers ?? {});
  const out: Record<string, string> = {};
  for (const name in raw) {
    const v = raw[name];
    if (v === undefined || v === null || v === false) continue;
    out[name] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  const has = (n: string) => Object.keys(out).some((k) => k.toLowerCase() === n);
  if (!has('accept-encoding')) out['Accept-Encoding'] = 'gzip, deflate, br';
  if (!has('user-agent')) out['User-Agent'] = 'daytona-mcp';
  return out;
}

/**
 * The answer's headers by lower-case name, repeats joined with ", " (set-cookie kept as a list), in a
 * plain object as node's own `res.headers`, which applies more rules (some repeats dropped) and cost
 * ~40 µs a response here; the gateway reads a handful of these names. A header named `__proto__` is
 * dropped: it would be the object's prototype.
 */
export function headersFrom(raw: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name === '__proto__') continue;
    const value = raw[i + 1]!;
    const seen = Object.hasOwn(out, name) ? out[name] : undefined;
    if (seen === undefined) out[name] = name === 'set-cookie' ? [value] : value;
    else if (Array.isArray(seen)) seen.push(value);
    else out[name] = `${seen}, ${value}`;
  }
  return out;
}

/** The content codings axios inflates, by the inflater each needs; undefined for any other. */
function inflaterFor(encoding: string): 'zlib' | 'brotli' | undefined {
  if (encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'deflate') return 'zlib';
  return encoding === 'br' ? 'brotli' : undefined;
}

function urlOf(config: AxiosRequestLike): URL {
  const url = config.url ?? '';
  return /^https?:\/\//i.test(url) ? new URL(url) : new URL(`${(config.baseURL ?? '').replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`);
}

/**
 * An axios adapter over node:http(s) (see the file's comment), or, given `sockets`, over the
 * gateway's own HTTP/1.1 sockets (http1-client.ts) for every request that names no agent of its own.
 * `classes` must be the SDK's axios' own (errorClassesOf).
 */
export function leanAdapter(classes: AxiosErrorClasses, sockets?: Http1Pool): Adapter {
  const { AxiosError, CanceledError } = classes;
  return (config) => {
    if (!servable(config)) {
      // Only a change in how the gateway calls the API gets here; say so rather than guess.
      return Promise.reject(new AxiosError('This request needs axios\' own http adapter (a body, answer type or option the lean transport does not serve).', 'ERR_NOT_SUPPORT', config));
    }
    return new Promise((resolve, reject) => {
      let url: URL;
      try {
        url = urlOf(config);
      } catch {
        reject(new AxiosError(`Invalid URL: ${config.url}`, 'ERR_INVALID_URL', config));
        return;
      }
      const secure = url.protocol === 'https:';
      if (!secure && url.protocol !== 'http:') {
        reject(new AxiosError(`Unsupported protocol ${url.protocol}`, 'ERR_BAD_REQUEST', config));
        return;
      }
      const body = typeof config.data === 'string' ? Buffer.from(config.data, 'utf8') : (config.data as Buffer | undefined | null) ?? undefined;
      const maxBody = config.maxBodyLength ?? -1;
      if (body && maxBody > -1 && body.length > maxBody) {
        reject(new AxiosError('Request body larger than maxBodyLength limit', 'ERR_BAD_REQUEST', config));
        return;
      }
      const maxContent = config.maxContentLength ?? -1;
      const method = (config.method ?? 'get').toUpperCase();
      let settled = false;
      let request: http.ClientRequest | undefined = undefined; // node's, set on that path
      const finish = (fail: Error | undefined, value?: unknown) => {
        if (settled) return;
        settled = true;
        config.signal?.removeEventListener('abort', onAbort);
        if (fail) {
          request?.destroy();
          reject(fail);
        } else resolve(value);
      };
      const onAbort = () => finish(new CanceledError(null, config, request));
      /** The whole answer, read (and inflated): axios' response, or its error for a status it refuses. */
      const settle = (status: number, statusText: string, answerHeaders: Record<string, string | string[]>, whole: Buffer) => {
        let data = whole.toString('utf8');
        if (data.charCodeAt(0) === 0xfeff) data = data.slice(1);
        const response = { data, status, statusText, headers: answerHeaders, config, request };
        let valid: boolean;
        try {
          valid = !config.validateStatus || config.validateStatus(status);
        } catch (err) {
          finish(errorFrom(err as Error)); // the caller's check threw: its error, not an uncaught one
          return;
        }
        if (valid) finish(undefined, response);
        else finish(new AxiosError(`Request failed with status code ${status}`, status >= 500 ? 'ERR_BAD_RESPONSE' : 'ERR_BAD_REQUEST', config, request, response));
      };
      const tooLarge = () => new AxiosError(`maxContentLength size of ${maxContent} exceeded`, 'ERR_BAD_RESPONSE', config, request);
      const timedOut = () => new AxiosError(`timeout of ${config.timeout}ms exceeded`, 'ECONNABORTED', config, request);
      const errorFrom = (err: Error & { code?: string }) => {
        const e = new AxiosError(err.message, err.code, config, request);
        (e as Error & { cause?: unknown }).cause = err;
        return e;
      };

      const headers = headersOf(config);
      // No agent given means the module's global keep-alive agent, as with axios (and a proxy patch
      // sees an ordinary request), or our own sockets where there is no such patch.
      const agent = secure ? config.httpsAgent : config.httpAgent;
      if (sockets && !agent) {
        sockets.request({ method, url, headers, body, timeoutMs: config.timeout, signal: config.signal, maxBodyBytes: maxContent }).then(
          (answer) => {
            const answerHeaders = headersFrom(answer.rawHeaders);
            const encoding = String(answerHeaders['content-encoding'] ?? '').toLowerCase();
            let whole = answer.body;
            if (encoding && whole.length) {
              const limit = maxContent > -1 ? { maxOutputLength: Math.max(1, maxContent) } : {};
              const inflater = inflaterFor(encoding);
              if (!inflater) return finish(new AxiosError(`Unsupported content-encoding ${encoding}`, 'ERR_BAD_RESPONSE', config));
              try {
                whole = inflater === 'zlib' ? unzipSync(whole, limit) : brotliDecompressSync(whole, limit);
              } catch (err) {
                return finish((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? tooLarge() : errorFrom(err as Error));
              }
              delete answerHeaders['content-encoding'];
            }
            if (maxContent > -1 && whole.length > maxContent) return finish(tooLarge());
            settle(answer.status, answer.statusText, answerHeaders, whole);
          },
          (err: Error & { code?: string }) => {
            if (err.code === TIMEOUT_CODE) finish(timedOut());
            else if (err.code === ABORT_CODE) finish(new CanceledError(null, config));
            else if (err.code === TOO_LARGE_CODE) finish(tooLarge());
            else finish(errorFrom(err));
          },
        )
          // Anything that throws while the answer is read is this request's error, never an unhandled rejection.
          .catch((err: Error) => finish(errorFrom(err)));
        return;
      }
      const req = (secure ? https : http).request(url, { method, headers, agent }, (res) => {
        const status = res.statusCode ?? 0;
        const answerHeaders = headersFrom(res.rawHeaders);
        const encoding = String(answerHeaders['content-encoding'] ?? '').toLowerCase();
        let stream: NodeJS.ReadableStream = res;
        if (method !== 'HEAD' && status !== 204 && encoding) {
          const inflater = inflaterFor(encoding);
          if (inflater) stream = res.pipe(inflater === 'zlib' ? createUnzip() : createBrotliDecompress());
          else {
            finish(new AxiosError(`Unsupported content-encoding ${encoding}`, 'ERR_BAD_RESPONSE', config, request));
            return;
          }
          // axios drops the header once it has inflated the body; so do we.
          delete answerHeaders['content-encoding'];
        }
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (maxContent > -1 && size > maxContent) {
            finish(tooLarge());
            res.destroy();
            return;
          }
          chunks.push(chunk);
        });
        // The answer cut off (the socket closed mid-body): 'aborted', then an error on the response itself,
        // which must have a listener even when the body is piped through an inflater.
        const cut = () => finish(new AxiosError('stream has been aborted', 'ERR_BAD_RESPONSE', config, request));
        res.on('aborted', cut);
        res.on('error', cut);
        if (stream !== res) stream.on('error', (err: Error) => finish(errorFrom(err)));
        stream.on('end', () => settle(status, res.statusMessage ?? '', answerHeaders, Buffer.concat(chunks, size)));
      });
      request = req;
      req.on('error', (err) => finish(errorFrom(err)));
      if (config.timeout && config.timeout > 0) {
        req.setTimeout(config.timeout, () => finish(timedOut()));
      }
      if (config.signal?.aborted) {
        onAbort();
        return;
      }
      config.signal?.addEventListener('abort', onAbort, { once: true });
      req.end(body);
    });
  };
}
