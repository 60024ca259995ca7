/** The unmodified @daytonaio/sdk, configured the way the README tells users to, for baselines. */
import type { Daytona } from '@daytonaio/sdk';

export async function rawDaytona(api: { url: string; apiKey: string }): Promise<Daytona> {
  const sdk = await import('@daytonaio/sdk');
  return new sdk.Daytona({ apiKey: api.apiKey, apiUrl: api.url, target: 'us', useDeprecatedPolling: true });
}

export async function disposeDaytona(d: Daytona): Promise<void> {
  await d[Symbol.asyncDispose]();
}
