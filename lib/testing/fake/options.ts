import { BATCHGET_PATH, COUNT_PATH } from './paths.js';

/** Options of {@link FakeWechatServer}. */
export interface FakeWechatServerOptions {
  /** appId -> appSecret; replaces the default `{ wx_fake_app: 'fake_secret' }`. */
  accounts?: Record<string, string>;
  /** Added to every answer, in milliseconds; default 0. */
  latencyMs?: number;
  /** Lifetime of minted tokens; default 7200. */
  tokenTtlSeconds?: number;
  /**
   * Path -> calls a day before 45009, merged over the defaults (100000 for batchget_material
   * and get_materialcount). Only these paths are known to `/cgi-bin/openapi/quota/get`.
   */
  dailyLimits?: Record<string, number>;
  /** WeChat Cloud Hosting gateway mode: business calls need no access_token (one given is ignored). */
  tokenless?: boolean;
  /** Port on 127.0.0.1; default 0 (a free port). */
  port?: number;
  /** Serve https with this PEM key and certificate instead of http. */
  tls?: { key: string; cert: string };
  /** How long a publish job stays 'publishing', in milliseconds; default 50. */
  publishDelayMs?: number;
}

/** The options every area reads: validated, defaults filled in. */
export interface ResolvedFakeOptions {
  readonly accounts: ReadonlyMap<string, string>;
  readonly latencyMs: number;
  readonly tokenTtlMs: number;
  readonly dailyLimits: ReadonlyMap<string, number>;
  readonly tokenless: boolean;
  readonly port: number;
  readonly tls: { readonly key: string; readonly cert: string } | undefined;
  readonly publishDelayMs: number;
}

const DEFAULT_ACCOUNTS: Readonly<Record<string, string>> = { wx_fake_app: 'fake_secret' };
const DEFAULT_DAILY_LIMITS: Readonly<Record<string, number>> = {
  [BATCHGET_PATH]: 100000,
  [COUNT_PATH]: 100000,
};

function checkNonNegative(name: string, value: number | undefined, positive = false): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new RangeError(
      `FakeWechatServer: ${name} must be a ${positive ? 'positive' : 'non-negative'} number`,
    );
  }
}

function checkTls(tls: FakeWechatServerOptions['tls']): void {
  if (tls === undefined) return;
  const ok = (v: unknown): boolean => typeof v === 'string' && v.includes('-----BEGIN');
  if (typeof tls !== 'object' || tls === null || !ok(tls.key) || !ok(tls.cert)) {
    throw new RangeError('FakeWechatServer: tls needs PEM strings key and cert');
  }
}

/** Checks the options (bad values throw a RangeError) and fills in the defaults. */
export function resolveFakeOptions(opts: FakeWechatServerOptions): ResolvedFakeOptions {
  checkNonNegative('latencyMs', opts.latencyMs);
  checkNonNegative('tokenTtlSeconds', opts.tokenTtlSeconds, true);
  checkNonNegative('publishDelayMs', opts.publishDelayMs);
  checkTls(opts.tls);
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError('FakeWechatServer: port must be an integer 0..65535');
  }
  const limits = { ...DEFAULT_DAILY_LIMITS, ...opts.dailyLimits };
  for (const [path, limit] of Object.entries(limits)) {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new RangeError(`FakeWechatServer: dailyLimits['${path}'] must be an integer >= 0`);
    }
  }
  return {
    accounts: new Map(Object.entries(opts.accounts ?? DEFAULT_ACCOUNTS)),
    latencyMs: opts.latencyMs ?? 0,
    tokenTtlMs: (opts.tokenTtlSeconds ?? 7200) * 1000,
    dailyLimits: new Map(Object.entries(limits)),
    tokenless: opts.tokenless ?? false,
    port,
    tls: opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : undefined,
    publishDelayMs: opts.publishDelayMs ?? 50,
  };
}
