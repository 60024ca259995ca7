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
  /** Bumped by every local write, so a read started before it cannot overwrite its result. */
  private generation = 0;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange(async (e) => {
      if (e.key !== SECRET_ID) return;
      const started = this.generation;
      const next = await secrets.get(SECRET_ID);
      if (started !== this.generation || next === this.value) return;
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
    this.generation++;
    this.value = key;
    await this.secrets.store(SECRET_ID, key);
    this.generation++;
    this.changed.fire();
  }

  async clear(): Promise<void> {
    this.generation++;
    this.value = undefined;
    await this.secrets.delete(SECRET_ID);
    this.generation++;
    this.changed.fire();
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
