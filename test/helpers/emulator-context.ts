/**
 * The set-up most tool and store tests share: one emulator per test file, emptied before each test,
 * and a fresh ToolContext (real SDK gateway over HTTP) for each test.
 */
import { after, before, beforeEach } from 'node:test';
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
