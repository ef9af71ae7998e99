import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { PATHS } from '../wechat-material.constants.js';
import { WECHAT_MATERIAL_OPTIONS } from '../wechat-material.module-definition.js';
import type { WechatMaterialModuleOptions } from '../wechat-material.options.js';
import { AccessTokenService } from '../token/access-token.service.js';
import { QuotaService, type WechatQuota } from '../quota/quota.service.js';
import { WechatApiException } from '../errors/wechat-api.exception.js';
import { WechatConfigurationException } from '../errors/wechat-configuration.exception.js';
import { WechatTransportException } from '../errors/wechat-transport.exception.js';

/** Why a probe is down (API.md "Terminus entry point"). */
type DownReason =
  | 'token'
  | 'quota_low'
  | 'quota_error'
  | 'timeout'
  | 'network'
  | 'http_status'
  | 'bad_response'
  | 'configuration';

interface Down {
  reason: DownReason;
  errcode?: number;
}

interface ProbeOptions {
  appId?: string;
  quota?: { cgiPath: string; minRemaining: number };
}

/**
 * A held token request must not hold the probe: it answers `timeout` after this, so that the
 * answer (HTTP round trip included) is back within the promised 3 s. Set the readinessProbe's
 * timeoutSeconds to 3 or more.
 */
const PROBE_DEADLINE_MS = 2_500;
/** quota/get counts against nothing, but probes every few seconds should not hammer it. */
const QUOTA_CACHE_MS = 60_000;
/** A bad secret stays bad: at least a minute between token requests from probes. */
const MIN_TOKEN_DOWN_MEMORY_MS = 60_000;

const TOKEN_PATHS: ReadonlySet<string> = new Set([PATHS.stableToken, PATHS.classicToken]);

/**
 * Readiness of the WeChat side for `@nestjs/terminus`: can a token be had (from the cache
 * when fresh) and, optionally, is enough of an API's daily quota left. Never throws: every
 * failure is a `down` result with `{ reason, errcode? }` and nothing secret.
 */
@Injectable()
export class WechatHealthIndicator {
  /** appId → a down `token` result and until when it stands. */
  private readonly tokenDown = new Map<string, { down: Down; until: number }>();
  /** `appId\ncgiPath` → a quota answer (or the pending request for it) and when it was asked. */
  private readonly quotas = new Map<string, { at: number; quota: Promise<WechatQuota> }>();

  constructor(
    private readonly healthIndicatorService: HealthIndicatorService,
    private readonly tokens: AccessTokenService,
    private readonly quotaService: QuotaService,
    @Inject(WECHAT_MATERIAL_OPTIONS) private readonly options: WechatMaterialModuleOptions,
  ) {}

  /**
   * `up` when a token can be had and, with `quota`, when `remain >= minRemaining` for
   * `quota.cgiPath`; else `down` with `{ reason, errcode? }`. Answers within 3 s.
   */
  async isHealthy<const Key extends string>(
    key: Key,
    opts: ProbeOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.healthIndicatorService.check(key);
    let down: Down | undefined;
    try {
      down = await this.withDeadline(this.probe(opts));
    } catch {
      // probe() catches everything it knows; this is a last guard for "never throws".
      down = { reason: 'configuration' };
    }
    return down ? indicator.down({ ...down }) : indicator.up();
  }

  /** undefined: up. Never rejects for WeChat failures. */
  private async probe(opts: ProbeOptions): Promise<Down | undefined> {
    if (!isProbeOptions(opts)) return { reason: 'configuration' };
    const appId = opts.appId ?? this.options.appId ?? '';
    const remembered = this.tokenDown.get(appId);
    if (remembered && Date.now() < remembered.until) return remembered.down;
    this.tokenDown.delete(appId);

    const tokenDown = await this.tokens.getAccessToken({ appId: opts.appId }).then(
      () => undefined,
      (err: unknown) => tokenFailure(err),
    );
    if (tokenDown) {
      if (tokenDown.reason === 'token') this.rememberTokenDown(appId, tokenDown);
      return tokenDown;
    }
    if (!opts.quota) return undefined;
    return this.quotaCheck(appId, opts.appId, opts.quota);
  }

  private async quotaCheck(
    cacheAppId: string,
    appId: string | undefined,
    quota: { cgiPath: string; minRemaining: number },
  ): Promise<Down | undefined> {
    let answer: WechatQuota;
    try {
      answer = await this.cachedQuota(cacheAppId, appId, quota.cgiPath);
    } catch (err) {
      // quota/get may refetch a token (after a 40001): a failure there is a token failure.
      if (isFromTokenEndpoint(err)) {
        const down = tokenFailure(err);
        if (down.reason === 'token') this.rememberTokenDown(cacheAppId, down);
        return down;
      }
      return err instanceof WechatApiException
        ? { reason: 'quota_error', errcode: err.errcode }
        : { reason: 'quota_error' };
    }
    const remain = Number(answer.remain);
    if (!Number.isFinite(remain)) return { reason: 'quota_error' };
    return remain >= quota.minRemaining ? undefined : { reason: 'quota_low' };
  }

  /** One quota/get per (appId, cgiPath) a minute; concurrent probes share it; failures are not kept. */
  private cachedQuota(
    cacheAppId: string,
    appId: string | undefined,
    cgiPath: string,
  ): Promise<WechatQuota> {
    const key = `${cacheAppId}\n${cgiPath}`;
    const hit = this.quotas.get(key);
    if (hit && Date.now() - hit.at < QUOTA_CACHE_MS) return hit.quota;
    const entry = { at: Date.now(), quota: this.quotaService.getQuota(cgiPath, appId) };
    this.quotas.set(key, entry);
    entry.quota.then(
      // The minute counts from the answer, not from the question.
      () => (entry.at = Date.now()),
      () => {
        if (this.quotas.get(key) === entry) this.quotas.delete(key);
      },
    );
    return entry.quota;
  }

  private rememberTokenDown(appId: string, down: Down): void {
    const memoryMs = Math.max(this.options.tokenErrorCooldownMs ?? 0, MIN_TOKEN_DOWN_MEMORY_MS);
    this.tokenDown.set(appId, { down, until: Date.now() + memoryMs });
  }

  /** The probe's answer, or `timeout` after PROBE_DEADLINE_MS (the probe goes on in the background). */
  private withDeadline(probe: Promise<Down | undefined>): Promise<Down | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<Down>((resolve) => {
      timer = setTimeout(() => resolve({ reason: 'timeout' }), PROBE_DEADLINE_MS);
    });
    return Promise.race([probe, deadline]).finally(() => clearTimeout(timer));
  }
}

/** Down result for a failure to get a token (its data never holds the error's message). */
function tokenFailure(err: unknown): Down {
  if (err instanceof WechatConfigurationException) return { reason: 'configuration' };
  if (err instanceof WechatTransportException) return { reason: err.reason };
  if (err instanceof WechatApiException) return { reason: 'token', errcode: err.errcode };
  // An accessTokenProvider that threw: no token can be had.
  return { reason: 'token' };
}

function isFromTokenEndpoint(err: unknown): boolean {
  return (
    (err instanceof WechatApiException || err instanceof WechatTransportException) &&
    TOKEN_PATHS.has(err.path)
  );
}

/** Bad probe options are a configuration problem: down, and nothing is asked of WeChat. */
function isProbeOptions(opts: unknown): opts is ProbeOptions {
  if (opts === null || typeof opts !== 'object') return false;
  const { appId, quota } = opts as Record<string, unknown>;
  if (appId !== undefined && (typeof appId !== 'string' || appId === '')) return false;
  if (quota === undefined) return true;
  if (quota === null || typeof quota !== 'object') return false;
  const { cgiPath, minRemaining } = quota as Record<string, unknown>;
  return (
    typeof cgiPath === 'string' &&
    cgiPath.startsWith('/') &&
    typeof minRemaining === 'number' &&
    Number.isInteger(minRemaining) &&
    minRemaining >= 0
  );
}
