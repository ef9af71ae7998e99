import type { StoredToken, TokenStore } from '../../lib/index.js';

/**
 * The default in-memory behaviour (an expired entry reads as absent), remembering every
 * token ever written to it, in order: leak checks search for them, metrics count them.
 */
export class RecordingTokenStore implements TokenStore {
  readonly tokens: string[] = [];
  private readonly entries = new Map<string, StoredToken>();

  async get(key: string): Promise<StoredToken | undefined> {
    const e = this.entries.get(key);
    return e && e.expiresAt > Date.now() ? { ...e } : undefined;
  }

  async set(key: string, value: StoredToken): Promise<void> {
    this.tokens.push(value.token);
    this.entries.set(key, { ...value });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }
}
