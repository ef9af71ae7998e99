/**
 * The whole fault matrix again, with both token endpoints (the classic one carries the
 * secret in its query string), every log line (logCalls: true) and every call event
 * recorded: no access token, no app secret, no `access_token=` / `secret=` and no caller IP
 * may show up in logs, events, exception messages, stacks, causes, `util.inspect` of any
 * thrown error, or the JSON the filter answers with over HTTP.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { FAULT_CASES, RID, type FaultCase, type TokenPath } from './fault-cases.js';
import {
  CANARY_SECRET,
  type Harness,
  MATRIX_OPTIONS,
  SHORT_DEADLINE,
  startHarness,
  UnhandledRejectionWatch,
} from './harness.js';
import { PATHS } from '../helpers/constants.js';
import { sleep } from '../helpers/wait.js';

const watch = new UnhandledRejectionWatch();
beforeAll(() => watch.install());
afterAll(() => watch.uninstall());

/**
 * Moves Date.now() (the library's and the fake's) past the token-error cooldown, so that a
 * case whose token endpoint failed for good can still fetch a token at its end.
 */
function passCooldown(): void {
  const realNow = Date.now.bind(Date);
  const ahead = MATRIX_OPTIONS.tokenErrorCooldownMs! + 1;
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + ahead);
}

/** The first token the store saw (after a warm-up call). */
function currentToken(h: Harness): string {
  const token = h.store.tokens.at(-1);
  if (!token) throw new Error('no token was fetched');
  return token;
}

async function warmUp(h: Harness): Promise<void> {
  const res = await h.page();
  if (res.status !== 200) throw new Error(`warm-up failed: ${res.status}`);
}

/** Leak-specific cases on top of the matrix: WeChat echoing what must never be repeated. */
const ECHO_CASES: Pick<FaultCase, 'name' | 'arrange' | 'wechat'>[] = [
  {
    name: 'token endpoint errmsg echoes the secret',
    arrange: (h, tokenPath) =>
      h.server.failNext(tokenPath, {
        errcode: 40125,
        errmsg: `invalid appsecret ${CANARY_SECRET}, view more at http://t.cn/x/${CANARY_SECRET} hint: [a!b-c.d]`,
      }),
  },
  {
    name: 'token endpoint errmsg echoes the secret, retryable -1',
    arrange: (h, tokenPath) =>
      h.server.failNext(tokenPath, { errcode: -1, errmsg: `system error ${CANARY_SECRET}` }, 3),
  },
  {
    name: 'business errmsg echoes the access token',
    arrange: async (h) => {
      await warmUp(h);
      h.server.failNext(PATHS.batchGet, {
        errcode: 40007,
        errmsg: `invalid media_id ${currentToken(h)}`,
      });
    },
  },
  {
    // Only once: with the classic endpoint the replay carries a new token, and WeChat can
    // only echo the token it was sent (the library scrubs that one from each answer).
    name: '40001 errmsg echoes the rejected token',
    arrange: async (h) => {
      await warmUp(h);
      const token = currentToken(h);
      h.server.failNext(PATHS.batchGet, { errcode: 40001, errmsg: `invalid credential ${token}` });
    },
  },
  {
    name: 'token endpoint 89503 (caller IP in errmsg)',
    arrange: (h, tokenPath) => h.server.failNext(tokenPath, { errcode: 89503 }),
  },
  {
    name: 'business 89501 (caller IP in errmsg)',
    arrange: (h) => h.server.failNext(PATHS.batchGet, { errcode: 89501 }),
  },
  {
    name: 'token endpoint timeout',
    wechat: SHORT_DEADLINE,
    arrange: (h, tokenPath) => h.server.failNext(tokenPath, 'timeout', 3),
  },
  {
    name: 'token endpoint HTML 502 / truncated JSON / empty',
    arrange: (h, tokenPath) => {
      h.server.failNext(tokenPath, 'html502');
      h.server.failNext(tokenPath, 'truncated_json');
      h.server.failNext(PATHS.batchGet, 'empty');
    },
  },
];

const CASES: Pick<FaultCase, 'name' | 'arrange' | 'wechat'>[] = [...FAULT_CASES, ...ECHO_CASES];

/** Every rendering of an error a user could end up logging or sending somewhere. */
function renderings(err: unknown): Record<string, string> {
  const e = err as Error & { cause?: unknown; getResponse?: () => unknown };
  const out: Record<string, string> = {
    string: String(err),
    inspect: inspect(err, { depth: 10 }),
    inspectHidden: inspect(err, { depth: 10, showHidden: true }),
    json: JSON.stringify(err) ?? '',
  };
  if (err instanceof Error) {
    out.message = e.message;
    out.stack = e.stack ?? '';
    out.cause = inspect(e.cause, { depth: 10, showHidden: true });
    out.ownProps = inspect(Object.getOwnPropertyDescriptors(err), { depth: 10 });
  }
  return out;
}

interface Findings {
  where: string;
  needle: string;
}

/** What must never appear: tokens (whole, or any 24-character run of one), the secret, IPs. */
function needles(tokens: Iterable<string>): string[] {
  const out = [CANARY_SECRET, 'LEAKCANARY', 'access_token=', 'secret=', '1.2.3.4', 'ffff:'];
  for (const t of tokens) {
    out.push(t);
    for (let i = 0; i + 24 <= t.length; i += 12) out.push(t.slice(i, i + 24));
  }
  return out;
}

function search(haystacks: Record<string, string>, tokens: Iterable<string>): Findings[] {
  const found: Findings[] = [];
  const list = needles(tokens);
  for (const [where, text] of Object.entries(haystacks)) {
    for (const needle of list) {
      if (text.includes(needle)) found.push({ where, needle });
    }
  }
  return found;
}

const totals = { runs: 0, tokens: 0, issued: 0, logLines: 0, events: 0, errors: 0, replies: 0 };

describe.each<['stable' | 'classic', TokenPath]>([
  ['stable', PATHS.stableToken],
  ['classic', PATHS.classicToken],
])('no token, secret or IP leaks (%s token endpoint)', (tokenEndpoint, tokenPath) => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const h = await startHarness({ wechat: { ...c.wechat, logCalls: true, tokenEndpoint } });
    const replies: string[] = [];
    const errors: unknown[] = [];
    const tokens = new Set<string>();
    try {
      await c.arrange(h, tokenPath);
      replies.push((await h.page()).text);
      h.server.clearFaults();
      replies.push((await h.page()).text);
      replies.push((await h.page('type=images&offset=-1&count=50')).text);
      for (const t of h.store.tokens) tokens.add(t);
      // The token the library would use now (the one the fake issued last).
      await h.tokens.getAccessToken().then(
        (t) => tokens.add(t!),
        (err: unknown) => errors.push(err),
      );
      // And the same fault once more, called directly rather than through HTTP.
      await c.arrange(h, tokenPath);
      await h.material
        .batchGetMaterial({ type: 'video', offset: 0, count: 5 })
        .catch((err: unknown) => {
          errors.push(err);
        });
      await h.material.getMaterialCount().catch((err: unknown) => errors.push(err));
      // Past any token-error cooldown, one more call: every case then has tokens to look for.
      h.server.clearFaults();
      passCooldown();
      replies.push((await h.page()).text);
    } finally {
      jest.restoreAllMocks();
      await h.close();
    }
    errors.push(...h.captured);
    // Every token WeChat ever handed out (not only those the library kept) is a needle.
    const issued = h.server.issuedTokens;
    expect(issued.length).toBeGreaterThan(0);
    for (const t of [...issued, ...h.store.tokens]) tokens.add(t);

    // Sanity: the fake's tokens look like real ones, so the needles mean something.
    for (const t of tokens) expect(t.length).toBeGreaterThan(60);

    const haystacks: Record<string, string> = {
      logs: h.logger.text(),
      events: JSON.stringify(h.events),
    };
    replies.forEach((r, i) => (haystacks[`reply#${i}`] = r));
    errors.forEach((err, i) => {
      for (const [kind, text] of Object.entries(renderings(err))) {
        haystacks[`error#${i}.${kind}`] = text;
      }
    });
    expect(search(haystacks, tokens)).toEqual([]);

    // The things a support ticket needs are still there.
    for (const err of errors) {
      const rid = (err as { rid?: unknown }).rid;
      if (rid !== undefined) expect(rid).toMatch(RID);
    }
    // logCalls: true logs every attempt (ok ones at debug).
    expect(h.logger.lines.length).toBeGreaterThanOrEqual(h.events.length);

    totals.runs++;
    totals.tokens += tokens.size;
    totals.issued += issued.length;
    totals.logLines += h.logger.lines.length;
    totals.events += h.events.length;
    totals.errors += errors.length;
    totals.replies += replies.length;
  });
});

describe('the leak suite as a whole', () => {
  it('looked at a meaningful amount of output', () => {
    expect(totals.runs).toBe(CASES.length * 2);
    expect(totals.errors).toBeGreaterThan(CASES.length);
    expect(totals.logLines).toBeGreaterThan(CASES.length * 4);
    if (process.env.RELIABILITY_REPORT) console.log('leak suite totals', totals);
  });

  it('saw no unhandled rejection', async () => {
    await sleep(20);
    expect(watch.seen).toEqual([]);
  });
});
