import type { StoredToken, TokenStore } from './token-store.interface.js';

/** Default store: one process, one Map. Expired entries are dropped on read. */
export class MemoryTokenStore implements TokenStore {
  private readonly entries = new Map<string, StoredToken>();

  async get(key: string): Promise<StoredToken | undefined> {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry ? { ...entry } : undefined;
  }

  async set(key: string, value: StoredToken): Promise<void> {
    this.entries.set(key, { token: value.token, expiresAt: value.expiresAt });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }
}
