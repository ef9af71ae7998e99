import { describe, expect, it } from '@jest/globals';
import { PATHS } from '../../helpers/constants.js';
import {
  GOOD_CLASSIC,
  GOOD_STABLE,
  advanceClock,
  expectErrcode,
  useFakeServer,
  fakeDateOnly,
  parse,
  withServer,
  type Reply,
} from '../../helpers/fake-client.js';

const { classicToken: TOKEN, stableToken: STABLE, batchGet: BATCHGET, count: COUNT } = PATHS;

const fake = useFakeServer();
const { call, batchget, page, classic } = fake;

describe('classic /cgi-bin/token', () => {
  it('mints a new WeChat-like token on each fetch', async () => {
    const first = parse(await classic(GOOD_CLASSIC));
    const second = parse(await classic(GOOD_CLASSIC));
    expect(first.expires_in).toBe(7200);
    expect(first.access_token).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    expect(second.access_token).not.toBe(first.access_token);
  });

  it('answers expires_in = tokenTtlSeconds', async () => {
    await withServer({ tokenTtlSeconds: 600 }, async (_s, url) => {
      const reply = await call(TOKEN, { query: GOOD_CLASSIC }, url);
      expect(parse(reply).expires_in).toBe(600);
    });
  });

  it('keeps the previous token valid for a 5-minute overlap, then 40001', async () => {
    fakeDateOnly();
    const old = String(parse(await classic(GOOD_CLASSIC)).access_token);
    const fresh = String(parse(await classic(GOOD_CLASSIC)).access_token);
    expect((await page(old, 'image', 0, 1)).item_count).toBe(1);
    advanceClock(4 * 60 * 1000);
    expect((await page(old, 'image', 0, 1)).item_count).toBe(1);
    advanceClock(61 * 1000);
    expectErrcode(await batchget(old, { type: 'image', offset: 0, count: 1 }), 40001);
    expect((await page(fresh, 'image', 0, 1)).item_count).toBe(1);
  });

  it.each([
    [{ appid: 'wx_fake_app', secret: 'fake_secret' }, 40002, 'invalid grant_type'],
    [{ ...GOOD_CLASSIC, grant_type: 'password' }, 40002, 'invalid grant_type'],
    [{ grant_type: 'client_credential', secret: 'fake_secret' }, 41002, 'appid missing'],
    [{ ...GOOD_CLASSIC, appid: 'wx_nobody' }, 40013, 'invalid appid'],
    [{ grant_type: 'client_credential', appid: 'wx_fake_app' }, 41004, 'appsecret missing'],
    [{ ...GOOD_CLASSIC, secret: 'wrong' }, 40125, 'invalid appsecret'],
  ])('%j -> %i', async (query, errcode, message) => {
    expectErrcode(await classic(query), errcode, message);
  });

  it('uses the accounts option instead of the default account', async () => {
    await withServer({ accounts: { wx_a: 'sa', wx_b: 'sb' } }, async (s, url) => {
      const ok = await call(
        TOKEN,
        { query: { ...GOOD_CLASSIC, appid: 'wx_b', secret: 'sb' } },
        url,
      );
      expect(parse(ok).access_token).toEqual(expect.any(String));
      expectErrcode(await call(TOKEN, { query: GOOD_CLASSIC }, url), 40013);
      expect(s.issueToken()).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    });
  });
});

describe('stable /cgi-bin/stable_token', () => {
  function stable(body: unknown, query?: Record<string, string>, raw?: string): Promise<Reply> {
    return call(STABLE, { method: 'POST', body, query, raw });
  }

  it('returns the same token while valid, with the remaining expires_in', async () => {
    fakeDateOnly();
    const first = parse(await stable(GOOD_STABLE));
    expect(first.expires_in).toBe(7200);
    advanceClock(100_000);
    const second = parse(await stable(GOOD_STABLE));
    expect(second.access_token).toBe(first.access_token);
    expect(second.expires_in).toBe(7100);
  });

  it('mints a new token after expiry', async () => {
    fakeDateOnly();
    const first = parse(await stable(GOOD_STABLE));
    advanceClock(7200_000);
    const second = parse(await stable(GOOD_STABLE));
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.expires_in).toBe(7200);
  });

  it('force_refresh mints a new token and the old one dies at once', async () => {
    const old = String(parse(await stable(GOOD_STABLE)).access_token);
    const fresh = String(parse(await stable({ ...GOOD_STABLE, force_refresh: true })).access_token);
    expect(fresh).not.toBe(old);
    expectErrcode(await batchget(old, { type: 'image', offset: 0, count: 1 }), 40001);
    expect((await page(fresh, 'image', 0, 1)).item_count).toBe(1);
    expect(parse(await stable(GOOD_STABLE)).access_token).toBe(fresh);
  });

  it('is isolated from classic tokens', async () => {
    const st = String(parse(await stable(GOOD_STABLE)).access_token);
    await classic(GOOD_CLASSIC);
    await classic(GOOD_CLASSIC);
    expect(parse(await stable(GOOD_STABLE)).access_token).toBe(st);
  });

  it.each([
    ['appid in the query', GOOD_STABLE, { appid: 'wx_fake_app' }, undefined, 41002],
    ['invalid JSON', undefined, undefined, '{"grant_type":', 47001],
    ['missing body', undefined, undefined, '', 47001],
    ['JSON array', [GOOD_STABLE], undefined, undefined, 47001],
    ['bad grant_type', { ...GOOD_STABLE, grant_type: 'x' }, undefined, undefined, 40002],
    ['unknown appid', { ...GOOD_STABLE, appid: 'wx_x' }, undefined, undefined, 40013],
    ['wrong secret', { ...GOOD_STABLE, secret: 'x' }, undefined, undefined, 40125],
    ['missing appid', { grant_type: 'client_credential' }, undefined, undefined, 41002],
  ])('%s -> errcode', async (_name, body, query, raw, errcode) => {
    expectErrcode(await stable(body, query, raw), errcode);
  });

  it('answers 43002 to GET', async () => {
    expectErrcode(await call(STABLE, { query: {} }), 43002, 'require POST method');
  });
});

describe('token checks on business calls', () => {
  const body = { type: 'image', offset: 0, count: 1 };

  it('41001 without a token, 40001 for an unknown one', async () => {
    expectErrcode(await batchget(undefined, body), 41001, 'access_token missing');
    expectErrcode(await batchget('', body), 41001);
    expectErrcode(
      await batchget('nope', body),
      40001,
      'invalid credential, access_token is invalid or not latest',
    );
  });

  it('42001 past the TTL', async () => {
    await withServer({ tokenTtlSeconds: 60 }, async (s, url) => {
      fakeDateOnly();
      const token = s.issueToken();
      advanceClock(61_000);
      const reply = await call(BATCHGET, { query: { access_token: token }, body }, url);
      expectErrcode(reply, 42001, 'access_token expired');
    });
  });

  it('expireToken() makes every current token answer 40001; new fetches work', async () => {
    const issued = fake.server.issueToken();
    const cl = String(parse(await classic(GOOD_CLASSIC)).access_token);
    const st = String(
      parse(await call(STABLE, { method: 'POST', body: GOOD_STABLE })).access_token,
    );
    fake.server.expireToken();
    for (const token of [issued, cl, st]) expectErrcode(await batchget(token, body), 40001);
    const st2 = String(
      parse(await call(STABLE, { method: 'POST', body: GOOD_STABLE })).access_token,
    );
    expect(st2).not.toBe(st);
    expect((await page(st2, 'image', 0, 1)).item_count).toBe(1);
    expect((await page(fake.server.issueToken(), 'image', 0, 1)).item_count).toBe(1);
  });

  it('issueToken(appId) mints tokens for accounts it does not know (authorizers)', async () => {
    const token = fake.server.issueToken('wx_authorizer');
    expect(token).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    expect((await page(token, 'news', 0, 1)).item_count).toBe(1);
  });

  it('rid starts with the current Unix time in hex', async () => {
    const before = Math.floor(Date.now() / 1000);
    const errmsg = String(parse(await batchget(undefined, body)).errmsg);
    const rid = /rid: ([0-9a-f]{8})-/.exec(errmsg)?.[1];
    expect(Math.abs(parseInt(rid!, 16) - before)).toBeLessThanOrEqual(2);
  });

  it('tokenless mode needs no access_token and ignores one given', async () => {
    await withServer({ tokenless: true }, async (_s, url) => {
      const none = await call(BATCHGET, { body }, url);
      expect(JSON.parse(none.text).item_count).toBe(1);
      const bogus = await call(BATCHGET, { query: { access_token: 'bogus' }, body }, url);
      expect(JSON.parse(bogus.text).item_count).toBe(1);
      expect(JSON.parse((await call(COUNT, {}, url)).text).image_count).toBe(4);
    });
  });
});

describe('issuedTokens', () => {
  it('lists every token handed out: classic, stable (once while it lives), issueToken', async () => {
    expect(fake.server.issuedTokens).toEqual([]);
    const cl1 = String(parse(await classic(GOOD_CLASSIC)).access_token);
    const cl2 = String(parse(await classic(GOOD_CLASSIC)).access_token);
    const st = String(
      parse(await call(STABLE, { method: 'POST', body: GOOD_STABLE })).access_token,
    );
    const again = String(
      parse(await call(STABLE, { method: 'POST', body: GOOD_STABLE })).access_token,
    );
    expect(again).toBe(st);
    const minted = fake.server.issueToken('wx_authorizer');
    expect(fake.server.issuedTokens).toEqual([cl1, cl2, st, minted]);
  });

  it('keeps tokens after expireToken() and resetCounters(); failed fetches add none', async () => {
    const first = fake.server.issueToken();
    fake.server.expireToken();
    fake.server.resetCounters();
    await classic({ ...GOOD_CLASSIC, secret: 'wrong' });
    await call(STABLE, { method: 'POST', raw: 'nope' });
    const forced = String(
      parse(await call(STABLE, { method: 'POST', body: { ...GOOD_STABLE, force_refresh: true } }))
        .access_token,
    );
    expect(fake.server.issuedTokens).toEqual([first, forced]);
  });

  it('is a snapshot: later tokens do not appear in it, and it cannot change the fake', () => {
    const snapshot = fake.server.issuedTokens;
    fake.server.issueToken();
    expect(snapshot).toEqual([]);
    (snapshot as string[]).push('x');
    expect(fake.server.issuedTokens).toHaveLength(1);
  });

  it('does not count the token shape of a truncated_json fault (never a usable token)', async () => {
    fake.server.failNext(TOKEN, 'truncated_json');
    await classic(GOOD_CLASSIC);
    expect(fake.server.issuedTokens).toEqual([]);
  });
});
