/** A cached access token. */
export interface StoredToken {
  token: string;
  /**
   * Epoch milliseconds after which the library stops using the token: WeChat's expiry
   * minus the refresh margin, so every process sharing a store refreshes at the same time.
   */
  expiresAt: number;
}

/** Where access tokens are kept. Keys contain the appId, never the secret. */
export interface TokenStore {
  get(key: string): Promise<StoredToken | undefined>;
  set(key: string, value: StoredToken): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Optional cross-process lock. When present the library fetches a token only inside
   * withLock, and re-reads the store first, so that one process fetches for all.
   */
  withLock?<T>(key: string, fn: () => Promise<T>): Promise<T>;
}
