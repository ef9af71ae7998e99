import { afterEach, describe, expect, it } from '@jest/globals';
import { Agent } from 'undici';
import { Test } from '@nestjs/testing';
import { MaterialService, WechatMaterialModule } from '../../../lib/index.js';
import { CapturingLogger } from '../../helpers/capturing-logger.js';
import { APP_ID, APP_SECRET, PATHS } from '../../helpers/constants.js';
import { RawServer } from '../../helpers/raw-server.js';
import { sleep, waitFor } from '../../helpers/wait.js';

const COUNT = { voice_count: 1, video_count: 2, image_count: 3, news_count: 4 };

describe('shutdown closes keep-alive sockets', () => {
  let raw: RawServer;

  afterEach(async () => {
    await raw.stop();
  });

  async function start(): Promise<string> {
    raw = new RawServer((req) =>
      req.path === PATHS.count
        ? { body: JSON.stringify(COUNT), contentType: 'text/plain' }
        : undefined,
    );
    return raw.start();
  }

  it('moduleRef.close() destroys the sockets the module kept alive', async () => {
    const baseUrl = await start();
    const moduleRef = await Test.createTestingModule({
      imports: [WechatMaterialModule.forRoot({ appId: APP_ID, appSecret: APP_SECRET, baseUrl })],
    })
      .setLogger(new CapturingLogger())
      .compile();
    const material = moduleRef.get(MaterialService);
    await expect(material.getMaterialCount()).resolves.toEqual(COUNT);
    // undici reuses a socket one event-loop turn after its answer: the count call right
    // after the token fetch may have taken a second one. Later calls open none.
    await sleep(20);
    const opened = raw.connectionsOpened;
    expect(opened).toBeGreaterThanOrEqual(1);
    await expect(material.getMaterialCount()).resolves.toEqual(COUNT);
    await sleep(20);
    await expect(material.getMaterialCount()).resolves.toEqual(COUNT);
    expect(raw.connectionsOpened).toBe(opened);
    await sleep(100);
    expect(raw.openConnections).toBe(opened);

    await moduleRef.close();
    await waitFor(() => raw.openConnections === 0, 1000, 'sockets closed after close()');
  });

  it('app.close() does the same for a Nest application', async () => {
    const baseUrl = await start();
    const moduleRef = await Test.createTestingModule({
      imports: [WechatMaterialModule.forRoot({ appId: APP_ID, appSecret: APP_SECRET, baseUrl })],
    })
      .setLogger(new CapturingLogger())
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    await app.get(MaterialService).getMaterialCount();
    expect(raw.openConnections).toBeGreaterThanOrEqual(1);
    await app.close();
    await waitFor(() => raw.openConnections === 0, 1000, 'sockets closed after app.close()');
  });

  it('leaves a dispatcher passed in http.dispatcher to its owner', async () => {
    const baseUrl = await start();
    const dispatcher = new Agent();
    try {
      const moduleRef = await Test.createTestingModule({
        imports: [
          WechatMaterialModule.forRoot({
            appId: APP_ID,
            appSecret: APP_SECRET,
            baseUrl,
            http: { dispatcher },
          }),
        ],
      })
        .setLogger(new CapturingLogger())
        .compile();
      await moduleRef.get(MaterialService).getMaterialCount();
      await sleep(20);
      const open = raw.openConnections;
      expect(open).toBeGreaterThanOrEqual(1);
      await moduleRef.close();
      await sleep(50);
      expect(raw.openConnections).toBe(open);
      expect(dispatcher.destroyed).toBe(false);
      expect(dispatcher.closed).toBe(false);
    } finally {
      await dispatcher.close();
    }
    await waitFor(() => raw.openConnections === 0, 1000, 'sockets closed by the owner');
  });
});
