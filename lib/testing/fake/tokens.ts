import { randomBytes } from 'node:crypto';
import { errorAnswer, jsonAnswer, parseJsonObject, type Answer } from './answers.js';
import { TOKEN_PATH } from './paths.js';

/** WeChat keeps the previous classic token alive this long after a new fetch. */
const CLASSIC_OVERLAP_MS = 5 * 60 * 1000;

interface TokenRecord {
  appId: string;
  /** epoch ms; past it the token answers 42001 */
  expiresAt: number;
  /** epoch ms; from then on the token answers 40001 (superseded or forced out) */
  revokedAt: number;
}

export function mintTokenString(): string {
  // Real tokens are ~130-160 chars of [A-Za-z0-9_-] with a short numeric prefix.
  return `86_${randomBytes(96).toString('base64url')}`;
}

/** The fake's accounts and the tokens it handed out, with WeChat's lifetimes. */
export class TokenRegistry {
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly classicCurrent = new Map<string, string>();
  private readonly stableCurrent = new Map<string, string>();
  /** every token ever handed out, oldest first: the leak tests search for all of them */
  readonly issued: string[] = [];
  requestCount = 0;
  readonly requestsByApp = new Map<string, number>();

  constructor(
    readonly accounts: ReadonlyMap<string, string>,
    private readonly ttlMs: number,
    private readonly tokenless: boolean,
  ) {}

  /** Counts a token request by the appid it names (the query, or the stable_token JSON body). */
  noteRequest(path: string, query: URLSearchParams, text: () => string): void {
    const appId = path === TOKEN_PATH ? query.get('appid') : parseJsonObject(text())?.appid;
    if (typeof appId === 'string' && appId !== '') {
      this.requestsByApp.set(appId, (this.requestsByApp.get(appId) ?? 0) + 1);
    }
  }

  /** Every token minted so far answers 40001 from now on; new fetches work. */
  expireAll(): void {
    this.tokens.clear();
    this.classicCurrent.clear();
    this.stableCurrent.clear();
  }

  /** 0, or the errcode WeChat gives the token of a business call. */
  check(query: URLSearchParams): number {
    if (this.tokenless) return 0;
    const token = query.get('access_token');
    if (!token) return 41001;
    const record = this.tokens.get(token);
    const now = Date.now();
    if (!record || now >= record.revokedAt) return 40001;
    if (now >= record.expiresAt) return 42001;
    return 0;
  }

  mint(appId: string, now = Date.now()): string {
    if (this.tokens.size > 256) {
      // Keep memory flat over long runs: dead tokens answer 40001 whether kept or not, and
      // long-expired ones may fall from 42001 to 40001.
      for (const [token, record] of this.tokens) {
        if (record.revokedAt <= now || record.expiresAt + 3600_000 <= now)
          this.tokens.delete(token);
      }
    }
    const token = mintTokenString();
    this.tokens.set(token, {
      appId,
      expiresAt: now + this.ttlMs,
      revokedAt: Number.POSITIVE_INFINITY,
    });
    this.issued.push(token);
    return token;
  }

  classic(query: URLSearchParams): Answer {
    if (query.get('grant_type') !== 'client_credential') return errorAnswer(40002);
    const appId = query.get('appid');
    const errcode = this.checkCredentials(appId, query.get('secret'));
    if (errcode !== 0 || appId === null) return errorAnswer(errcode || 41002);
    const now = Date.now();
    // Each classic fetch mints a new token; the previous one lives on for 5 minutes.
    const previous = this.tokens.get(this.classicCurrent.get(appId) ?? '');
    if (previous) previous.revokedAt = Math.min(previous.revokedAt, now + CLASSIC_OVERLAP_MS);
    const token = this.mint(appId, now);
    this.classicCurrent.set(appId, token);
    return jsonAnswer({ access_token: token, expires_in: Math.round(this.ttlMs / 1000) });
  }

  stable(method: string, query: URLSearchParams, text: string): Answer {
    if (method !== 'POST') return errorAnswer(43002);
    // WeChat reads appid from the JSON body only; one in the query means the body lacks it.
    if (query.has('appid')) return errorAnswer(41002);
    // A missing body is a data format error here (not 44002), as WeChat answers stable_token.
    const json = parseJsonObject(text);
    if (!json) return errorAnswer(47001);
    if (json.grant_type !== 'client_credential') return errorAnswer(40002);
    const errcode = this.checkCredentials(json.appid, json.secret);
    if (errcode !== 0 || typeof json.appid !== 'string') return errorAnswer(errcode || 41002);
    const appId = json.appid;
    const now = Date.now();
    const current = this.stableCurrent.get(appId);
    const record = current === undefined ? undefined : this.tokens.get(current);
    if (json.force_refresh === true) {
      // Simplification: the forced-out token dies at once (WeChat may keep it a little
      // longer); clients must cope with either.
      if (record) record.revokedAt = now;
    } else if (
      current !== undefined &&
      record &&
      now < record.revokedAt &&
      record.expiresAt - now >= 1000
    ) {
      // Same token while valid; expires_in is what is left of it.
      return jsonAnswer({
        access_token: current,
        expires_in: Math.floor((record.expiresAt - now) / 1000),
      });
    }
    const token = this.mint(appId, now);
    this.stableCurrent.set(appId, token);
    return jsonAnswer({ access_token: token, expires_in: Math.round(this.ttlMs / 1000) });
  }

  private checkCredentials(appId: unknown, secret: unknown): number {
    if (typeof appId !== 'string' || appId === '') return 41002;
    const expected = this.accounts.get(appId);
    if (expected === undefined) return 40013;
    if (typeof secret !== 'string' || secret === '') return 41004;
    return secret === expected ? 0 : 40125;
  }
}
