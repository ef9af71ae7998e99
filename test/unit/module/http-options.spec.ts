import { describe, expect, it } from '@jest/globals';
import { Agent as NodeAgent } from 'node:http';
import { inspect } from 'node:util';
import { Test } from '@nestjs/testing';
import { Agent } from 'undici';
import {
  MaterialService,
  WechatConfigurationException,
  WechatMaterialModule,
  type WechatMaterialModuleOptions,
} from '../../../lib/index.js';
import { CapturingLogger } from '../../helpers/capturing-logger.js';
import { APP_ID, APP_SECRET } from '../../helpers/constants.js';
import { rejectionOf } from '../../helpers/wait.js';

/** Proxy credentials: never in a message, a stack or a log line. */
const PROXY_PASSWORD = 'Pr0xy_Pa55word_never_echoed';
const PROXY_URL = `http://corp:${PROXY_PASSWORD}@proxy.internal:3128`;

async function compile(http: unknown) {
  return compileTopLevel({ http });
}

async function compileTopLevel(extra: Record<string, unknown>) {
  const logger = new CapturingLogger();
  const result = Test.createTestingModule({
    imports: [
      WechatMaterialModule.forRoot({
        appId: APP_ID,
        appSecret: APP_SECRET,
        ...extra,
      } as WechatMaterialModuleOptions),
    ],
  })
    .setLogger(logger)
    .compile();
  return { result, logger };
}

async function fieldsOf(http: unknown): Promise<string[]> {
  const { result, logger } = await compile(http);
  const err = await rejectionOf(result);
  expect(err).toBeInstanceOf(WechatConfigurationException);
  const e = err as WechatConfigurationException;
  for (const text of [e.message, e.stack ?? '', inspect(e, { depth: 5 }), logger.text()]) {
    expect(text).not.toContain(PROXY_PASSWORD);
    expect(text).not.toContain('proxy.internal');
  }
  return [...new Set(e.fields)].sort();
}

describe('http options at compile()', () => {
  it.each<[string, unknown]>([
    ['absent', undefined],
    ['proxy false', { proxy: false }],
    ['a proxy URL with credentials', { proxy: PROXY_URL }],
    ['an https proxy URL', { proxy: 'https://proxy.internal:8443' }],
    ['an AxiosProxyConfig', { proxy: { host: 'proxy.internal', port: 3128 } }],
    [
      'an AxiosProxyConfig with protocol and auth',
      {
        proxy: {
          protocol: 'http',
          host: '10.0.0.1',
          port: 65535,
          auth: { username: 'u', password: PROXY_PASSWORD },
        },
      },
    ],
    ['a dispatcher', { dispatcher: new Agent() }],
  ])('accepts %s', async (_name, http) => {
    const { result } = await compile(http);
    const moduleRef = await result;
    expect(moduleRef.get(MaterialService)).toBeDefined();
    await moduleRef.close();
  });

  it.each<[string, unknown]>([
    ['a non-URL string', 'proxy.internal:3128'],
    ['a socks URL', 'socks5://proxy.internal:1080'],
    ['a URL with credentials but an ftp scheme', `ftp://corp:${PROXY_PASSWORD}@proxy.internal`],
    ['true', true],
    ['null', null],
    ['an object without host', { port: 3128 }],
    ['an empty host', { host: ' ', port: 3128 }],
    ['port 0', { host: 'proxy.internal', port: 0 }],
    ['port 65536', { host: 'proxy.internal', port: 65536 }],
    ['a port as a string', { host: 'proxy.internal', port: '3128' }],
    ['a socks protocol', { protocol: 'socks5', host: 'proxy.internal', port: 1080 }],
    ['auth without a password', { host: 'proxy.internal', port: 3128, auth: { username: 'u' } }],
  ])('names http.proxy for %s, never echoing it', async (_name, proxy) => {
    expect(await fieldsOf({ proxy })).toEqual(['http.proxy']);
  });

  it('names http.dispatcher when it has no dispatch method', async () => {
    expect(await fieldsOf({ dispatcher: {} })).toEqual(['http.dispatcher']);
    expect(await fieldsOf({ dispatcher: new NodeAgent() })).toEqual(['http.dispatcher']);
  });

  it('names both proxy and dispatcher when given together', async () => {
    const dispatcher = new Agent();
    try {
      expect(await fieldsOf({ proxy: PROXY_URL, dispatcher })).toEqual([
        'http.dispatcher',
        'http.proxy',
      ]);
    } finally {
      await dispatcher.close();
    }
  });

  it.each(['httpAgent', 'httpsAgent'])(
    'refuses %s (0.x), naming http.dispatcher as the replacement',
    async (field) => {
      const { result } = await compile({ [field]: new NodeAgent({ keepAlive: true }) });
      const err = (await rejectionOf(result)) as WechatConfigurationException;
      expect(err).toBeInstanceOf(WechatConfigurationException);
      expect(err.fields).toEqual([`http.${field}`]);
      expect(err.message).toContain('http.dispatcher');
    },
  );

  it.each(['httpAgent', 'httpsAgent'])(
    'refuses a top-level %s too, naming http.dispatcher',
    async (field) => {
      const { result } = await compileTopLevel({ [field]: new NodeAgent({ keepAlive: true }) });
      const err = (await rejectionOf(result)) as WechatConfigurationException;
      expect(err).toBeInstanceOf(WechatConfigurationException);
      expect(err.fields).toEqual([field]);
      expect(err.message).toContain('http.dispatcher');
    },
  );

  it('refuses http that is not an object', async () => {
    expect(await fieldsOf('http://proxy.internal:3128')).toEqual(['http']);
  });
});
