import { describe, expect, it } from '@jest/globals';
import { WechatApiException, WechatTransportException } from '../../../lib/index.js';
import { PATHS } from '../../helpers/constants.js';

const P = PATHS.batchGet;

describe('WechatApiException: rid and message from errmsg', () => {
  // The suffix WeChat appends changed over the years (WECHAT.md): hint only, rid only,
  // hint then rid, and since 2023 a URL before the rid.
  it.each<[string, string, string | undefined, string]>([
    [
      'hint only (up to 2020)',
      'invalid media_id hint: [Xy12ab0345]',
      undefined,
      'invalid media_id',
    ],
    ['empty hint', 'invalid media_id hint: []', undefined, 'invalid media_id'],
    ['hint with ! - .', 'system error hint: [q7Rz.001-2!]', undefined, 'system error'],
    [
      'rid only',
      'access_token expired rid: 6650a1b2-1c2d3e4f-5a6b7c8d',
      '6650a1b2-1c2d3e4f-5a6b7c8d',
      'access_token expired',
    ],
    [
      'hint then rid',
      'invalid media_id hint: [k3Jd0042-0] rid: 5fa26c60-0a0ebdd5-12fd1cd0',
      '5fa26c60-0a0ebdd5-12fd1cd0',
      'invalid media_id',
    ],
    [
      '2023 40001: URL before the rid',
      'invalid credential, access_token is invalid or not latest, could get access_token by getStableAccessToken, more details at https://mmbizurl.cn/s/AbCdEf123 rid: 6571a2b3-0c1d2e3f-4a5b6c7d',
      '6571a2b3-0c1d2e3f-4a5b6c7d',
      'invalid credential, access_token is invalid or not latest, could get access_token by getStableAccessToken, more details at https://mmbizurl.cn/s/AbCdEf123',
    ],
    ['no suffix at all', 'api unauthorized', undefined, 'api unauthorized'],
    [
      'Chinese text with rid',
      'AppSecret已被冻结，请登录MP解冻后再次调用。 rid: 66aa0011-22bb33cc-44dd55ee',
      '66aa0011-22bb33cc-44dd55ee',
      'AppSecret已被冻结，请登录MP解冻后再次调用。',
    ],
  ])('%s', (_label, errmsg, rid, text) => {
    const e = new WechatApiException(40007, errmsg, P);
    expect(e.rid).toBe(rid);
    expect(e.errmsg).toBe(errmsg);
    expect(e.message).toBe(`WeChat API error 40007 on ${P}: ${text}`);
    expect(e.errcode).toBe(40007);
    expect(e.path).toBe(P);
    expect(e.name).toBe('WechatApiException');
    expect(e).toBeInstanceOf(Error);
    expect(e.stack).toContain('WechatApiException');
  });

  it('45009 points to QuotaService.getQuota for the path that ran out', () => {
    const e = new WechatApiException(
      45009,
      'reach max api daily quota limit rid: 617682e1-09059ac5-34a8e2ea',
      P,
    );
    expect(
      e.message.startsWith(`WeChat API error 45009 on ${P}: reach max api daily quota limit`),
    ).toBe(true);
    expect(e.message).toContain('QuotaService.getQuota');
    expect(e.message).toContain(P);
    expect(e.errmsg).toBe('reach max api daily quota limit rid: 617682e1-09059ac5-34a8e2ea');
    expect(e.rid).toBe('617682e1-09059ac5-34a8e2ea');
    // Other errcodes carry no such hint.
    expect(new WechatApiException(45011, 'api minute-quota reach limit', P).message).not.toContain(
      'QuotaService',
    );
  });

  it.each([
    [
      '40164 IPv4 + mapped IPv6',
      40164,
      'invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist rid: 5fa26c61-1a0ebdd5-32fd1cd0',
      ['203.0.113.7', '::ffff'],
    ],
    [
      '40164 plain IPv6',
      40164,
      'invalid ip 2001:db8:85a3::8a2e:370:7334, not in whitelist hint: [jotv]',
      ['2001:db8', '8a2e:370:7334'],
    ],
    [
      '89503',
      89503,
      '此IP调用需要管理员确认,请联系管理员 ip: 198.51.100.23 rid: 6650a1b2-1c2d3e4f-5a6b7c8d',
      ['198.51.100.23'],
    ],
    ['89501', 89501, '此IP正在等待管理员确认,请联系管理员 ip: 192.0.2.1', ['192.0.2.1']],
  ])(
    'masks caller IPs (%s) in message and errmsg, keeps the rid',
    (_label, errcode, errmsg, ips) => {
      const e = new WechatApiException(errcode, errmsg, PATHS.classicToken);
      for (const ip of ips) {
        expect(e.message).not.toContain(ip);
        expect(e.errmsg).not.toContain(ip);
      }
      expect(e.errmsg).toContain('*');
      expect(e.rid).toBe(/rid: (\S+)/.exec(errmsg)?.[1]);
    },
  );

  it('rid-looking text is not confused with an IP', () => {
    const e = new WechatApiException(40007, 'invalid media_id rid: 61234567-89abcdef-01234567', P);
    expect(e.rid).toBe('61234567-89abcdef-01234567');
    expect(e.errmsg).toBe('invalid media_id rid: 61234567-89abcdef-01234567');
  });
});

describe('WechatTransportException', () => {
  it.each(['timeout', 'network', 'http_status', 'bad_response'] as const)(
    '%s message and fields',
    (reason) => {
      const e = new WechatTransportException(reason, P, {
        status: reason === 'http_status' ? 502 : undefined,
      });
      expect(e.message).toBe(`WeChat request to ${P} failed: ${reason}`);
      expect(e.name).toBe('WechatTransportException');
      expect(e.reason).toBe(reason);
      expect(e.path).toBe(P);
      expect(e.status).toBe(reason === 'http_status' ? 502 : undefined);
      expect(e).toBeInstanceOf(Error);
    },
  );

  it('keeps at most { code } as cause', () => {
    expect(new WechatTransportException('network', P, { code: 'ECONNRESET' }).cause).toEqual({
      code: 'ECONNRESET',
    });
    expect(new WechatTransportException('timeout', P).cause).toBeUndefined();
  });
});
