// The emulator's answers validate against the real API's OpenAPI document (openapi/, Apache-2.0) for
// every operation the product's gateway calls: status documented, body matching its schema; error
// answers carry the real exception filter's fields. 0 violations.
//
// Validator: ajv (with ajv-formats) — the standard JSON-Schema validator for Node, already in the tree
// through the MCP SDK (same version, so no new code is installed); it understands OpenAPI 3.0's
// `nullable` and resolves the document's `#/components/schemas/…` references as they stand.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { startEmulator, type Emulator, type EmulatorOptions } from './emulator';

// ajv-formats is CommonJS with a default export; under tsx/ESM it may arrive wrapped once more.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

interface OpenApiOperation {
  operationId?: string;
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, unknown> };
}

const doc = JSON.parse(
  readFileSync(fileURLToPath(new URL('./openapi/daytona-api-v0.205.1.json', import.meta.url)), 'utf8'),
) as OpenApiDoc;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'daytona-api', components: doc.components });

interface Operation {
  method: string;
  path: string;
  op: OpenApiOperation;
}
const operations = new Map<string, Operation>();
for (const [path, item] of Object.entries(doc.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (op.operationId) operations.set(op.operationId, { method: method.toUpperCase(), path, op });
  }
}

/** The real exception filter's body (filters/all-exceptions.filter.ts); not in the document. */
const errorSchema = {
  type: 'object',
  required: ['path', 'timestamp', 'statusCode', 'error', 'message'],
  properties: {
    path: { type: 'string' },
    timestamp: { type: 'string', format: 'date-time' },
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    message: { type: 'string' },
  },
};
const validateError = ajv.compile(errorSchema);

const validators = new Map<string, ValidateFunction>();
function validatorFor(schema: unknown): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = validators.get(key);
  if (!v) {
    // Rewrite the document's local refs so they resolve inside the schema added above.
    const rewritten = JSON.parse(key.replaceAll('"#/components/', '"daytona-api#/components/')) as object;
    v = ajv.compile(rewritten);
    validators.set(key, v);
  }
  return v;
}

/** The operations the product calls, read from its gateway (SandboxApi and OrganizationsApi methods + the snapshot service). */
function productOperations(): string[] {
  const src = readFileSync(fileURLToPath(new URL('../../src/core/sdk-gateway.ts', import.meta.url)), 'utf8');
  const direct = [...src.matchAll(/this\.(?:api|organizationsApi)\.(\w+)\(/g)].map((m) => m[1] ?? '');
  const intervals = [...src.matchAll(/'(set\w+Interval)'/g)].map((m) => m[1] ?? '');
  const snapshots = [
    ...(src.includes('this.daytona.snapshot.list(') ? ['getAllSnapshots'] : []),
    ...(src.includes('this.daytona.snapshot.get(') ? ['getSnapshot'] : []),
  ];
  return [...new Set([...direct, ...intervals, ...snapshots])].sort();
}

class Checker {
  readonly violations: string[] = [];
  readonly covered = new Map<string, Set<number>>();

  constructor(private readonly emu: Emulator) {}

  /** Calls `operationId` with the given path parameters; validates status and body. */
  async call(operationId: string, params: Record<string, string | number | boolean>, opts: { query?: string; body?: unknown } = {}): Promise<Record<string, unknown>> {
    const operation = operations.get(operationId);
    assert.ok(operation, `${operationId} is in the OpenAPI document`);
    const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params[name];
      assert.ok(value !== undefined, `${operationId}: path parameter ${name}`);
      return encodeURIComponent(String(value));
    });
    const res = await fetch(`${this.emu.url}${path}${opts.query ? `?${opts.query}` : ''}`, {
      method: operation.method,
      headers: { authorization: `Bearer ${this.emu.apiKey}`, ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    let statuses = this.covered.get(operationId);
    if (!statuses) this.covered.set(operationId, (statuses = new Set()));
    statuses.add(res.status);
    const where = `${operationId} ${operation.method} ${path} → ${res.status}`;
    const documented = operation.op.responses?.[String(res.status)];
    if (res.status < 400) {
      if (!documented) this.violations.push(`${where}: status not documented`);
      const schema = documented?.content?.['application/json']?.schema;
      if (schema) {
        const validate = validatorFor(schema);
        if (!validate(body)) this.violations.push(`${where}: ${ajv.errorsText(validate.errors)}`);
      }
    } else if (!validateError(body)) {
      this.violations.push(`${where}: error body ${ajv.errorsText(validateError.errors)}`);
    }
    return (body ?? {}) as Record<string, unknown>;
  }
}

async function withEmulator(opts: EmulatorOptions, fn: (c: Checker, emu: Emulator) => Promise<void>): Promise<Checker> {
  const emu = await startEmulator(opts);
  const checker = new Checker(emu);
  try {
    await fn(checker, emu);
  } finally {
    await emu.close();
  }
  return checker;
}

void test('the emulator answers every operation the product uses as the OpenAPI document says (0 violations)', async () => {
  const faithful = await withEmulator({ transitionMs: 30 }, async (c, emu) => {
    const created = await c.call('createSandbox', {}, { body: { name: 'api-a', labels: { project: 'p' }, env: { A: '1' } } });
    const id = String(created.id);
    await c.call('createSandbox', {}, { body: { name: 'api-img', buildInfo: { dockerfileContent: 'FROM alpine' } } });
    await c.call('createSandbox', {}, { body: { name: 'api-a' } }); // 409
    await c.call('getSandbox', { sandboxIdOrName: id });
    await c.call('getSandbox', { sandboxIdOrName: 'missing' }); // 404
    await c.call('listSandboxes', {}, { query: 'limit=1' });
    await c.call('listSandboxes', {}, { query: `labels=${encodeURIComponent('{"project":"p"}')}&states=started` });
    await c.call('listSandboxes', {}, { query: 'limit=500' }); // 400
    await c.call('replaceLabels', { sandboxIdOrName: id }, { body: { labels: { project: 'q' } } });
    await c.call('setAutostopInterval', { sandboxIdOrName: id, interval: 30 });
    await c.call('setAutoArchiveInterval', { sandboxIdOrName: id, interval: 60 });
    await c.call('setAutoDeleteInterval', { sandboxIdOrName: id, interval: 120 });
    await c.call('updatePublicStatus', { sandboxIdOrName: id, isPublic: true });
    await c.call('getPortPreviewUrl', { sandboxIdOrName: id, port: 3000 });
    await c.call('getSignedPortPreviewUrl', { sandboxIdOrName: id, port: 3000 }, { query: 'expiresInSeconds=60' });
    await c.call('getBuildLogsUrl', { sandboxIdOrName: 'api-img' });
    await c.call('getBuildLogsUrl', { sandboxIdOrName: id }); // 404: no build
    await c.call('resizeSandbox', { sandboxIdOrName: id }, { body: { cpu: 2 } }); // 404: flag off
    await c.call('forkSandbox', { sandboxIdOrName: id }, { body: {} }); // 422: container
    emu.seedSandbox({ name: 'api-vm', sandboxClass: 'linux-vm' });
    await c.call('forkSandbox', { sandboxIdOrName: 'api-vm' }, { body: { name: 'api-vm-copy' } });
    await c.call('createSandboxSnapshot', { sandboxIdOrName: id }, { body: { name: 'api-snap' } });
    await c.call('getSnapshot', { id: 'api-snap' }); // 404 while the job runs
    await c.call('getAllSnapshots', {}, { query: 'page=1&limit=100' });
    await c.call('getSnapshot', { id: 'daytonaio/sandbox:0.5.0' });
    await c.call('getOrganizationUsageOverview', { organizationId: emu.organizationId });
    await c.call('getOrganizationUsageOverview', { organizationId: 'another-org' }); // 403
    while (emu.sandboxes().find((s) => s.id === id)?.state !== 'started') await new Promise((r) => setTimeout(r, 10));
    await c.call('stopSandbox', { sandboxIdOrName: id });
    while (emu.sandboxes().find((s) => s.id === id)?.state !== 'stopped') await new Promise((r) => setTimeout(r, 10));
    await c.call('stopSandbox', { sandboxIdOrName: id }); // 400: not stoppable
    await c.call('archiveSandbox', { sandboxIdOrName: id });
    emu.seedSandbox({ name: 'api-off', state: 'stopped' });
    await c.call('startSandbox', { sandboxIdOrName: 'api-off' });
    emu.seedSandbox({ name: 'api-err', state: 'error', recoverable: true });
    await c.call('recoverSandbox', { sandboxIdOrName: 'api-err' });
    await c.call('deleteSandbox', { sandboxIdOrName: 'api-off' });
    await c.call('deleteSandbox', { sandboxIdOrName: 'api-off' }); // 404: renamed at once
  });
  const resizable = await withEmulator({ transitionMs: 30, featureFlags: { sandbox_resize: true } }, async (c, emu) => {
    emu.seedSandbox({ name: 'api-r' });
    await c.call('resizeSandbox', { sandboxIdOrName: 'api-r' }, { body: { cpu: 2 } });
  });
  const limited = await withEmulator({ rateLimits: { 'sandbox-lifecycle': { limit: 1, ttlMs: 60_000 } } }, async (c, emu) => {
    emu.seedSandbox({ name: 'api-x', state: 'stopped' });
    emu.seedSandbox({ name: 'api-y', state: 'stopped' });
    await c.call('deleteSandbox', { sandboxIdOrName: 'api-x' });
    await c.call('deleteSandbox', { sandboxIdOrName: 'api-y' }); // 429
  });

  const violations = [...faithful.violations, ...resizable.violations, ...limited.violations];
  assert.deepEqual(violations, [], 'violations of the OpenAPI document');

  const covered = new Map<string, Set<number>>();
  for (const c of [faithful, resizable, limited]) {
    for (const [op, statuses] of c.covered) covered.set(op, new Set([...(covered.get(op) ?? []), ...statuses]));
  }
  const used = productOperations();
  assert.ok(used.length >= 20, `the gateway's operations were read (${used.join(', ')})`);
  const uncovered = used.filter((op) => ![...(covered.get(op) ?? [])].some((s) => s < 400));
  assert.deepEqual(uncovered, [], 'every operation the product uses answered 2xx at least once');
  assert.ok(covered.get('deleteSandbox')?.has(429), 'a 429 was validated too');
});
