/**
 * The set-up most tool and store tests share: one emulator per test file, emptied before each test,
 * and a fresh ToolContext (real SDK gateway over HTTP) for each test.
 */
import { after, afterEach, before, beforeEach } from 'node:test';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/emulator';
import { testContext, type TestContext } from './context';

/** `bind` receives the emulator and the current test's context (also once before the file's first test). */
export function emulatorForEachTest(opts: EmulatorOptions, bind: (emu: Emulator, ctx: TestContext) => void): void {
  let emu: Emulator | undefined;
  let ctx: TestContext | undefined;
  before(async () => {
    emu = await startEmulator(opts);
    ctx = testContext(emu.url);
    bind(emu, ctx);
  });
  after(async () => {
    await ctx?.provider.dispose();
    await emu?.close();
  });
  beforeEach(async () => {
    emu!.reset('none');
    await ctx?.provider.dispose();
    ctx = testContext(emu!.url);
    bind(emu!, ctx);
  });
}

/**
 * For files whose tests each need emulator options of their own: `setup(opts, ctxOpts)` starts an
 * emulator (the file's `defaults` overridden by `opts`) and a context on it; each is closed after its test.
 */
export function emulatorPerTest(defaults: EmulatorOptions): (opts?: EmulatorOptions, ctxOpts?: Parameters<typeof testContext>[1]) => Promise<{ emu: Emulator; ctx: TestContext }> {
  const open: Array<{ emu: Emulator; ctx: TestContext }> = [];
  afterEach(async () => {
    for (const { emu, ctx } of open.splice(0)) {
      await ctx.provider.dispose();
      await emu.close();
    }
  });
  return async (opts = {}, ctxOpts = {}) => {
    const emu = await startEmulator({ ...defaults, ...opts });
    const ctx = testContext(emu.url, ctxOpts);
    open.push({ emu, ctx });
    return { emu, ctx };
  };
}
