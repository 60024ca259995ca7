/**
 * The Daytona API key in the editor's SecretStorage (OS keychain-backed), cached in memory because
 * credential resolution is synchronous. Other windows changing the secret update the cache.
 */
import * as vscode from 'vscode';

const SECRET_ID = 'daytona.apiKey';

export class KeyStore implements vscode.Disposable {
  private value: string | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange(async (e) => {
      if (e.key !== SECRET_ID) return;
      const next = await secrets.get(SECRET_ID);
      if (next === this.value) return;
      this.value = next;
      this.changed.fire();
    });
  }

  async load(): Promise<void> {
    this.value = await this.secrets.get(SECRET_ID);
  }

  get current(): string | undefined {
    return this.value;
  }

  async set(key: string): Promise<void> {
    this.value = key;
    await this.secrets.store(SECRET_ID, key);
    this.changed.fire();
  }

  async clear(): Promise<void> {
    this.value = undefined;
    await this.secrets.delete(SECRET_ID);
    this.changed.fire();
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
