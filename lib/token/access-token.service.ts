import { Inject, Injectable } from '@nestjs/common';
import { RESOLVED_WECHAT_OPTIONS } from '../wechat-material.constants.js';
import type { ResolvedWechatOptions } from '../wechat-material.options.js';
import { isTokenEndpointFatal, rejectsToken } from '../errors/errcodes.js';
import { WechatApiException } from '../errors/wechat-api.exception.js';
import { WechatConfigurationException } from '../errors/wechat-configuration.exception.js';
import { unknownAccountMessage, providerResultMessage } from '../errors/messages.js';
import { WechatHttpClient } from '../http/wechat-http.client.js';
import { MemoryTokenStore } from './memory-token.store.js';
import type { StoredToken, TokenStore } from './token-store.interface.js';
import type { TokenFetcher } from './token-fetcher.js';
import { StableTokenFetcher } from './stable-token.fetcher.js';
import { ClassicTokenFetcher } from './classic-token.fetcher.js';

/** WeChat allows force_refresh on stable_token 20 times a day, 30 s apart. */
const FORCE_REFRESH_INTERVAL_MS = 30_000;

const storeKey = (appId: string): string => `access_token:${appId}`;

/**
 * Access tokens per appId: cached (in memory in front of the TokenStore), refreshed before
 * expiry, one fetch shared by all concurrent callers, and a bounded recovery from a
 * rejected token. Errors of the token endpoint that no retry can fix are remembered for a
 * cooldown, so a wrong secret under load does not burn the daily token quota.
 */
@Injectable()
export class AccessTokenService {
  private readonly store: TokenStore;
  private readonly fetcher: TokenFetcher;
  /** In-process copy of the store, so the hot path costs no store round trip. */
  private readonly local = new Map<string, StoredToken>();
  private readonly inflight = new Map<string, Promise<string | null>>();
  private readonly cooldowns = new Map<string, { error: WechatApiException; until: number }>();
  /** appId → token WeChat handed back although it had just rejected it. */
  private readonly stale = new Map<string, string>();
  private readonly lastForcedAt = new Map<string, number>();

  constructor(
    @Inject(RESOLVED_WECHAT_OPTIONS) private readonly options: ResolvedWechatOptions,
    http: WechatHttpClient,
  ) {
    this.store = options.tokenStore ?? new MemoryTokenStore();
    this.fetcher =
      options.tokenEndpoint === 'classic'
        ? new ClassicTokenFetcher(http)
        : new StableTokenFetcher(http);
  }

  /**
   * A valid access token for `appId` (default: `options.appId`), or null when the
   * accessTokenProvider resolved null (Cloud Hosting: the gateway adds the token).
   * `forceRefresh` skips the cache (and, with a provider, asks it with `forceRefresh: true`).
   */
  async getAccessToken(
    opts: { appId?: string; forceRefresh?: boolean } = {},
  ): Promise<string | null> {
    const appId = opts.appId ?? this.options.appId;
    this.assertKnownAccount(appId);
    return this.resolve(appId, opts.forceRefresh ? { force: true } : {});
  }

  /** Drops the cached token for appId, but only if it still is `token`. */
  async invalidate(token: string, appId?: string): Promise<void> {
    const id = appId ?? this.options.appId;
    if (id === undefined) return;
    const key = storeKey(id);
    if (this.local.get(key)?.token === token) this.local.delete(key);
    const stored = await this.store.get(key);
    if (stored?.token === token) await this.store.delete(key);
  }

  /** Throws WechatConfigurationException when appId has no credentials and no provider. */
  assertKnownAccount(appId: string | undefined): void {
    if (this.options.accessTokenProvider) return;
    if (appId === undefined || this.secretOf(appId) === undefined) {
      throw new WechatConfigurationException(unknownAccountMessage(), ['accounts']);
    }
  }

  /**
   * Runs `call` with a token; on 40001/40014/42001 drops that token, gets one fresh token
   * and replays once. Never loops.
   */
  async withToken<T>(
    appId: string | undefined,
    call: (token: string | null) => Promise<T>,
  ): Promise<T> {
    const token = await this.resolve(appId, {});
    try {
      return await call(token);
    } catch (err) {
      if (!isTokenRejection(err)) throw err;
    }
    const fresh = await this.refreshAfterRejection(appId, token);
    try {
      return await call(fresh);
    } catch (err) {
      if (
        isTokenRejection(err) &&
        !this.options.accessTokenProvider &&
        appId !== undefined &&
        fresh
      ) {
        // The replay failed too: drop the token; if WeChat handed back the very token it
        // had rejected, the next fetch asks stable_token for a new one (force_refresh).
        if (fresh === token) this.stale.set(appId, fresh);
        await this.invalidate(fresh, appId);
      }
      throw err;
    }
  }

  private async refreshAfterRejection(
    appId: string | undefined,
    rejected: string | null,
  ): Promise<string | null> {
    if (this.options.accessTokenProvider) return this.resolve(appId, { force: true });
    if (rejected !== null && appId !== undefined) await this.invalidate(rejected, appId);
    return this.resolve(appId, { rejected });
  }

  /** The token to send (null: send none, provider's choice). Single-flight per appId. */
  private resolve(
    appId: string | undefined,
    opts: { force?: boolean; rejected?: string | null },
  ): Promise<string | null> {
    if (!this.options.accessTokenProvider && appId !== undefined && !opts.force) {
      const hit = this.local.get(storeKey(appId));
      if (hit && hit.token !== opts.rejected && Date.now() < hit.expiresAt) {
        return Promise.resolve(hit.token);
      }
    }
    const flightKey = `${opts.force ? 'force' : 'get'}:${appId ?? ''}`;
    let pending = this.inflight.get(flightKey);
    if (!pending) {
      pending = this.load(appId, opts).finally(() => this.inflight.delete(flightKey));
      this.inflight.set(flightKey, pending);
    }
    return pending;
  }

  private async load(
    appId: string | undefined,
    opts: { force?: boolean; rejected?: string | null },
  ): Promise<string | null> {
    const provider = this.options.accessTokenProvider;
    if (provider) {
      const token = await provider.getAccessToken({ appId, forceRefresh: !!opts.force });
      if (token !== null && (typeof token !== 'string' || token === '')) {
        throw new WechatConfigurationException(providerResultMessage(), ['accessTokenProvider']);
      }
      return token;
    }
    this.assertKnownAccount(appId);
    const id = appId as string;
    const key = storeKey(id);
    const fetchOne = async (): Promise<string> => {
      if (!opts.force) {
        // Re-read: another process (or an earlier flight) may have stored a newer token.
        const stored = await this.store.get(key);
        if (stored && stored.token !== opts.rejected && Date.now() < stored.expiresAt) {
          this.local.set(key, stored);
          return stored.token;
        }
      }
      return this.fetchAndStore(id, key);
    };
    return this.store.withLock ? this.store.withLock(key, fetchOne) : fetchOne();
  }

  private async fetchAndStore(appId: string, key: string): Promise<string> {
    const cooldown = this.cooldowns.get(appId);
    if (cooldown) {
      if (Date.now() < cooldown.until) throw cooldown.error;
      this.cooldowns.delete(appId);
    }
    let forceRefresh = false;
    if (this.stale.has(appId) && this.options.tokenEndpoint === 'stable') {
      const last = this.lastForcedAt.get(appId) ?? -Infinity;
      if (Date.now() - last >= FORCE_REFRESH_INTERVAL_MS) {
        forceRefresh = true;
        this.lastForcedAt.set(appId, Date.now());
        this.stale.delete(appId);
      }
    }
    let fetched;
    try {
      fetched = await this.fetcher.fetch({ appId, appSecret: this.secretOf(appId)!, forceRefresh });
    } catch (err) {
      if (err instanceof WechatApiException && isTokenEndpointFatal(err.errcode)) {
        this.cooldowns.set(appId, {
          error: err,
          until: Date.now() + this.options.tokenErrorCooldownMs,
        });
      }
      throw err;
    }
    const lifetimeMs = fetched.expiresInSeconds * 1000;
    const marginMs = Math.min(this.options.refreshMarginSeconds * 1000, lifetimeMs / 2);
    const entry: StoredToken = {
      token: fetched.token,
      expiresAt: Date.now() + lifetimeMs - marginMs,
    };
    this.local.set(key, entry);
    await this.store.set(key, entry);
    return entry.token;
  }

  private secretOf(appId: string): string | undefined {
    if (appId === this.options.appId && this.options.appSecret) return this.options.appSecret;
    return this.options.accounts[appId]?.appSecret;
  }
}

function isTokenRejection(err: unknown): err is WechatApiException {
  return err instanceof WechatApiException && rejectsToken(err.errcode);
}
