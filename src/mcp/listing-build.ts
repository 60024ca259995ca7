/**
 * Computes the Listing (listing.ts) by asking the real server, over the SDK's in-memory transport:
 * scripts/build.mjs embeds the result in the bundle, and a test checks it against the real answers.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ALL_TOOLS } from '../core/tools';
import type { Listing } from './listing';
import { createMcpServer } from './server';

export async function computeListing(version: string): Promise<Listing> {
  const server = createMcpServer({
    tools: ALL_TOOLS,
    version,
    gateway: () => Promise.reject(new Error('no API at build time')),
  });
  const [client, serverSide] = InMemoryTransport.createLinkedPair();
  const answers = new Map<unknown, Record<string, unknown>>();
  client.onmessage = (m: JSONRPCMessage) => {
    if ('id' in m && 'result' in m) answers.set(m.id, m.result);
  };
  await server.connect(serverSide);
  await client.start();
  await client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'build', version: '0' } } });
  await client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  await client.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
  for (let i = 0; i < 100 && answers.size < 2; i++) await new Promise((r) => setTimeout(r, 10));
  await server.close();
  const initialize = answers.get(1);
  const listed = answers.get(2)?.tools as Listing['tools'][number]['listed'][] | undefined;
  if (!initialize || !listed) throw new Error('the server did not answer initialize and tools/list');
  return {
    supportedVersions: [...SUPPORTED_PROTOCOL_VERSIONS],
    latestVersion: LATEST_PROTOCOL_VERSION,
    initialize,
    tools: listed.map((entry, i) => ({ listed: entry, readOnly: ALL_TOOLS[i]?.annotations.readOnlyHint === true })),
  };
}
