/**
 * The shared HTTP server's own front door (src/mcp/http.ts), checked before the token and before the
 * SDK transport's DNS-rebinding check behind it: a foreign Host or Origin is refused with 403 whatever
 * else the request carries (no token, a wrong one, the right one) and is counted as what it is in the
 * audit trail — so a rebinding attack shows up as one, not as a stream of bad-token noise.
 * (With the right token the SDK's own check would also refuse; without one, only this door says why.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../src/core/audit-log';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { inProcessHttp, type InProcessHttp } from '../helpers/in-process-mcp';
import { SENTINEL_KEY } from '../helpers/secrets';

const INIT = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'door', version: '1' } } });

function post(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(INIT);
  });
}

describe('security: the HTTP server refuses foreign Host and Origin first', () => {
  let emu: Emulator;
  let s: InProcessHttp;
  let logPath: string;
  before(async () => {
    emu = await startEmulator({ apiKeys: [SENTINEL_KEY] });
    logPath = join(mkdtempSync(join(tmpdir(), 'daytona-door-')), 'daytona-mcp.log');
    s = await inProcessHttp(emu.url, undefined, new AuditLog({ path: logPath }));
  });
  after(async () => {
    await s.close();
    await emu.close();
  });

  test('a foreign Host or Origin gets 403 with no token, a wrong one or the right one; counted as such', async () => {
    const port = s.http.port;
    const tokens: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong-token' }, { authorization: `Bearer ${s.token}` }];
    for (const auth of tokens) {
      assert.equal(await post(port, { ...auth, host: `evil.example:${port}` }), 403, `foreign Host, ${JSON.stringify(auth)}`);
      assert.equal(await post(port, { ...auth, host: `attacker.test` }), 403, `foreign Host without port, ${JSON.stringify(auth)}`);
      assert.equal(await post(port, { ...auth, origin: 'http://evil.example' }), 403, `foreign Origin, ${JSON.stringify(auth)}`);
      assert.equal(await post(port, { ...auth, origin: `http://evil.example:${port}` }), 403, `foreign Origin on our port, ${JSON.stringify(auth)}`);
    }
    assert.equal(s.http.sessions(), 0, 'no session was opened');
    assert.equal(await post(port, { authorization: `Bearer ${s.token}`, origin: `http://127.0.0.1:${port}` }), 200, 'a loopback Origin is fine');
    await s.close(); // flushes the rejection summary
    const entries = readFileSync(logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; reason?: string; reasons?: Record<string, number> });
    const reasons: Record<string, number> = {};
    for (const e of entries) {
      if (e.event === 'http_rejected') reasons[e.reason!] = (reasons[e.reason!] ?? 0) + 1;
      if (e.event === 'http_rejected_summary') for (const [r, n] of Object.entries(e.reasons ?? {})) reasons[r] = (reasons[r] ?? 0) + n;
    }
    assert.deepEqual(reasons, { 'foreign host': 6, 'foreign origin': 6 });
  });
});
