#!/usr/bin/env node
// The cold-start floor: the least a node process can do to answer an MCP client over stdio —
// newline-delimited JSON-RPC, initialize and tools/list, no dependencies.
//   node floor-server.mjs [TOOLS_LIST.json]
// With a file (the `result` of a server's tools/list, as JSON), tools/list answers exactly those bytes:
// the same work for the client as the server it is the floor of. Without, one echo tool.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const tool = {
  name: 'echo',
  description: 'Echo the input back',
  inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
};
const listed = process.argv[2] ? readFileSync(process.argv[2], 'utf8').trim() : undefined;
const send = (msg) => process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...msg })}\n`);

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
      return send({ id: msg.id, result: { content: [{ type: 'text', text: String(msg.params?.arguments?.text ?? '') }] } });
    case 'ping':
      return send({ id: msg.id, result: {} });
    default:
      return send({ id: msg.id, error: { code: -32601, message: `Method not found: ${msg.method}` } });
  }
});
rl.on('close', () => process.exit(0));
