import { afterEach, describe, expect, it } from '@jest/globals';
import { Agent } from 'node:http';
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
    await expect(material.getMaterialCount()).resolves.toEqual(COUNT);
    // Keep-alive: token fetch and both calls went over one socket, which stays open.
    expect(raw.connectionsOpened).toBe(1);
    await sleep(100);
    expect(raw.openConnections).toBe(1);

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
    expect(raw.openConnections).toBe(1);
    await app.close();
    await waitFor(() => raw.openConnections === 0, 1000, 'sockets closed after app.close()');
  });

  it('leaves an agent passed in http.httpAgent to its owner', async () => {
    const baseUrl = await start();
    const agent = new Agent({ keepAlive: true });
    try {
      const moduleRef = await Test.createTestingModule({
        imports: [
          WechatMaterialModule.forRoot({
            appId: APP_ID,
            appSecret: APP_SECRET,
            baseUrl,
            http: { httpAgent: agent },
          }),
        ],
      })
        .setLogger(new CapturingLogger())
        .compile();
      await moduleRef.get(MaterialService).getMaterialCount();
      expect(Object.values(agent.freeSockets).flat()).toHaveLength(1);
      await moduleRef.close();
      await sleep(50);
      expect(raw.openConnections).toBe(1);
    } finally {
      agent.destroy();
    }
    await waitFor(() => raw.openConnections === 0, 1000, 'sockets closed by the owner');
  });
});
