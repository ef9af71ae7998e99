import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { Test } from '@nestjs/testing';
import {
  WechatConfigurationException,
  WechatMaterialModule,
  type WechatMaterialModuleOptions,
} from '../../../lib/index.js';
import { CapturingLogger } from '../../helpers/capturing-logger.js';
import { APP_ID, APP_SECRET } from '../../helpers/constants.js';
import { rejectionOf } from '../../helpers/wait.js';

/** A secret-looking value typed into the wrong fields: it must never be echoed. */
const LEAKED = 'S3cr3t_Typed_Into_The_Wrong_Field_42';

async function compileError(
  options: unknown,
  async = false,
): Promise<WechatConfigurationException> {
  const logger = new CapturingLogger();
  const err = await rejectionOf(
    Test.createTestingModule({
      imports: [
        async
          ? WechatMaterialModule.forRootAsync({ useFactory: async () => options as never })
          : WechatMaterialModule.forRoot(options as WechatMaterialModuleOptions),
      ],
    })
      .setLogger(logger)
      .compile(),
  );
  expect(err).toBeInstanceOf(WechatConfigurationException);
  expect(err).toBeInstanceOf(Error);
  // Nothing Nest logged about the failure may carry the value either.
  expect(logger.text()).not.toContain(LEAKED);
  return err as WechatConfigurationException;
}

const expectNoLeak = (err: Error, ...secrets: string[]): void => {
  for (const s of secrets) {
    expect(err.message).not.toContain(s);
    expect(err.stack ?? '').not.toContain(s);
    expect(inspect(err, { depth: 5 })).not.toContain(s);
    expect(JSON.stringify(err)).not.toContain(s);
  }
};

describe('options validation at compile()', () => {
  it('missing appId and appSecret names both and says what to do', async () => {
    const err = await compileError({});
    expect(err.name).toBe('WechatConfigurationException');
    expect([...err.fields].sort()).toEqual(['appId', 'appSecret']);
    expect(err.message).toContain('appId');
    expect(err.message).toContain('appSecret');
    expect(err.message).toContain('accessTokenProvider');
  });

  it('a missing appSecret alone is named, the given appId is not blamed', async () => {
    const err = await compileError({ appId: APP_ID });
    expect(err.fields).toEqual(['appSecret']);
  });

  it('names EVERY bad field at once and never prints the secret or the wrong value', async () => {
    const err = await compileError({
      appId: '   ',
      appSecret: '',
      baseUrl: `ftp://${LEAKED}.example.com`,
      timeoutMs: 0,
      tokenEndpoint: LEAKED,
      refreshMarginSeconds: -1,
      retry: { attempts: -1, baseDelayMs: 1.5, maxDelayMs: -3 },
      logCalls: LEAKED,
      tokenErrorCooldownMs: -5,
      onCall: LEAKED,
      errorStatusOverrides: { 40007: 200 },
      accounts: { wx_second: { appSecret: '' } },
      tokenStore: { get: LEAKED },
      accessTokenProvider: undefined,
      http: LEAKED,
    });
    const expected = [
      'appId',
      'appSecret',
      'baseUrl',
      'timeoutMs',
      'tokenEndpoint',
      'refreshMarginSeconds',
      'retry.attempts',
      'retry.baseDelayMs',
      'retry.maxDelayMs',
      'logCalls',
      'tokenErrorCooldownMs',
      'onCall',
      'errorStatusOverrides',
      'accounts.wx_second.appSecret',
      'tokenStore',
      'http',
    ];
    expect([...err.fields].sort()).toEqual([...expected].sort());
    for (const field of expected) expect(err.message).toContain(field);
    expectNoLeak(err, LEAKED);
  });

  it('never prints a valid appSecret when other fields are bad', async () => {
    const err = await compileError({ appId: APP_ID, appSecret: APP_SECRET, baseUrl: 'not a url' });
    expect(err.fields).toEqual(['baseUrl']);
    expectNoLeak(err, APP_SECRET);
  });

  it('never prints a secret typed into baseUrl', async () => {
    const err = await compileError({ appId: APP_ID, appSecret: APP_SECRET, baseUrl: LEAKED });
    expect(err.fields).toEqual(['baseUrl']);
    expectNoLeak(err, LEAKED, APP_SECRET);
  });

  it.each([
    ['ftp://api.weixin.qq.com'],
    ['file:///etc/passwd'],
    ['api.weixin.qq.com'],
    [''],
    ['https://user:pass@api.weixin.qq.com'],
    ['https://api.weixin.qq.com/?access_token=x'],
    [42],
  ])('baseUrl %p is rejected', async (baseUrl) => {
    const err = await compileError({ appId: APP_ID, appSecret: APP_SECRET, baseUrl });
    expect(err.fields).toEqual(['baseUrl']);
  });

  it.each([[0], [-1], [NaN], [Infinity], ['1000']])(
    'timeoutMs %p is rejected',
    async (timeoutMs) => {
      const err = await compileError({ appId: APP_ID, appSecret: APP_SECRET, timeoutMs });
      expect(err.fields).toEqual(['timeoutMs']);
    },
  );

  it.each([[0], [-1], [NaN], [Infinity], ['60000']])(
    'transferTimeoutMs %p is rejected',
    async (transferTimeoutMs) => {
      const err = await compileError({
        appId: APP_ID,
        appSecret: APP_SECRET,
        transferTimeoutMs: transferTimeoutMs as number,
      });
      expect(err.fields).toEqual(['transferTimeoutMs']);
      expect(err.message).toContain('transferTimeoutMs must be a positive number of milliseconds');
    },
  );

  it('forRootAsync options are validated at compile() too', async () => {
    const err = await compileError(
      { appId: APP_ID, appSecret: LEAKED, baseUrl: 'ws://x', timeoutMs: -5 },
      true,
    );
    expect([...err.fields].sort()).toEqual(['baseUrl', 'timeoutMs']);
    expectNoLeak(err, LEAKED);
  });

  it('an accessTokenProvider without getAccessToken is named', async () => {
    const err = await compileError({ accessTokenProvider: { getToken: () => 'x' } });
    expect(err.fields).toEqual(['accessTokenProvider']);
  });

  it.each([
    ['http://127.0.0.1:1234', 'http'],
    ['https://api.weixin.qq.com/', 'https'],
  ])('accepts baseUrl %s', async (baseUrl) => {
    const moduleRef = await Test.createTestingModule({
      imports: [WechatMaterialModule.forRoot({ appId: APP_ID, appSecret: APP_SECRET, baseUrl })],
    })
      .setLogger(new CapturingLogger())
      .compile();
    await moduleRef.close();
  });
});
