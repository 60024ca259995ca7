#!/usr/bin/env node
// The cold-start floor: the least a node process can do to answer an MCP client over stdio —
// newline-delimited JSON-RPC, initialize and tools/list, no dependencies.
//   node floor-server.mjs [TOOLS_LIST.json]
// With a file (the `result` of a server's tools/list, as JSON), tools/list answers exactly those bytes:
// the same work for the client as the server it is the floor of. Without, one echo tool.
// With DAYTONA_API_URL and DAYTONA_API_KEY set, a tools/call with `arguments.sandbox` instead makes one
// keep-alive GET /sandbox/<id> (node:http, no SDK) and answers its body: the floor of a stdio server
// that reads a sandbox from the API, a process hop and nothing else. With FLOOR_GET_VIA=sdk as well,
// that GET is the @daytonaio/sdk call the gateway makes (its SandboxApi's getSandbox, over axios): the
// floor of a stdio server built on the SDK.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';

const tool = {
  name: 'echo',
  description: 'Echo the input back',
  inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
};
const listed = process.argv[2] ? readFileSync(process.argv[2], 'utf8').trim() : undefined;
const send = (msg) => process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...msg })}\n`);

const api = process.env.DAYTONA_API_URL && process.env.DAYTONA_API_KEY ? { url: process.env.DAYTONA_API_URL, key: process.env.DAYTONA_API_KEY, agent: new Agent({ keepAlive: true }) } : undefined;
// Loaded only when asked for: the cold-start floor stays a process with no dependencies.
const sdkApi =
  api && process.env.FLOOR_GET_VIA === 'sdk'
    ? new (await import('@daytonaio/sdk')).Daytona({ apiKey: api.key, apiUrl: api.url, target: 'us', useDeprecatedPolling: true }).sandboxApi
    : undefined;
function getSandbox(id, sandbox) {
  if (sdkApi) {
    return sdkApi.getSandbox(sandbox, undefined, undefined, { adapter: 'http' }).then(
      (res) => send({ id, result: { content: [{ type: 'text', text: JSON.stringify(res.data) }] } }),
      (err) => send({ id, result: { content: [{ type: 'text', text: String(err?.message ?? err) }], isError: true } }),
    );
  }
  const req = request(`${api.url}/sandbox/${encodeURIComponent(sandbox)}`, { agent: api.agent, headers: { authorization: `Bearer ${api.key}` } }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => (body += chunk));
    res.on('end', () => send({ id, result: { content: [{ type: 'text', text: body }], isError: res.statusCode !== 200 || undefined } }));
  });
  req.on('error', (err) => send({ id, result: { content: [{ type: 'text', text: err.message }], isError: true } }));
  req.end();
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (!line.trim()) return;
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    return send({ id: null, error: { code: -32700, message: 'Parse error' } });
  }
  if (msg.id === undefined) return; // notification
  switch (msg.method) {
    case 'initialize':
      return send({
        id: msg.id,
        result: {
          protocolVersion: msg.params?.protocolVersion ?? '2025-06-18',
          capabilities: { tools: {} },
          serverInfo: { name: 'floor', version: '1.0.0' },
        },
      });
    case 'tools/list':
      if (listed) return process.stdout.write(`{"jsonrpc":"2.0","id":${JSON.stringify(msg.id)},"result":${listed}}\n`);
      return send({ id: msg.id, result: { tools: [tool] } });
    case 'tools/call':
      if (api && typeof msg.params?.arguments?.sandbox === 'string') return getSandbox(msg.id, msg.params.arguments.sandbox);
      return send({ id: msg.id, result: { content: [{ type: 'text', text: String(msg.params?.arguments?.text ?? '') }] } });
    case 'ping':
      return send({ id: msg.id, result: {} });
    default:
      return send({ id: msg.id, error: { code: -32601, message: `Method not found: ${msg.method}` } });
  }
});
rl.on('close', () => process.exit(0));
