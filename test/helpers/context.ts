/** A ToolContext wired to the real SDK gateway, talking to an emulator over HTTP. */
import type { AnyTool, ConfirmAnswer, ToolContext } from '../../src/core/tool';
import { createGatewayProvider, type ManagedGatewayProvider } from '../../src/core/gateway-provider';
import type { Credentials } from '../../src/core/credentials';
import { SENTINEL_KEY } from './secrets';

export interface TestContext extends ToolContext {
  provider: ManagedGatewayProvider;
  progressEvents: Array<{ done: number; total: number | undefined; message: string }>;
  confirmations: string[];
}

export function credentialsFor(apiUrl: string, apiKey = SENTINEL_KEY): Credentials {
  return { apiKey, apiUrl, target: 'us', source: 'env', origin: 'test' };
}

export function testContext(
  apiUrl: string,
  opts: { apiKey?: string; confirm?: ConfirmAnswer; signal?: AbortSignal; requestTimeoutMs?: number; apiHoldMs?: number; project?: string } = {},
): TestContext {
  const provider = createGatewayProvider({
    resolveCredentials: () => credentialsFor(apiUrl, opts.apiKey),
    requestTimeoutMs: opts.requestTimeoutMs,
    apiHoldMs: opts.apiHoldMs,
  });
  const ctx: TestContext = {
    provider,
    gateway: provider.get,
    signal: opts.signal ?? new AbortController().signal,
    defaults: { project: opts.project },
    progressEvents: [],
    confirmations: [],
    progress(done, total, message) {
      ctx.progressEvents.push({ done, total, message });
    },
    async confirm(message) {
      ctx.confirmations.push(message);
      return opts.confirm ?? 'unsupported';
    },
  };
  return ctx;
}

/**
 * Runs a core tool the way a host does: its input schema parses the arguments (defaults applied,
 * bad input refused), the handler runs, and the result must match the declared output schema.
 */
export async function runCoreTool(tool: AnyTool, args: unknown, ctx: ToolContext) {
  const outcome = await tool.handler(tool.input.parse(args), ctx);
  tool.output.parse(outcome.data);
  return outcome;
}
