import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  DraftService,
  MaterialService,
  PublishService,
  WechatMaterialModule,
} from '../../../lib/index.js';
import { FakeWechatServer } from '../../../lib/testing/index.js';
import { CapturingLogger } from '../../helpers/capturing-logger.js';
import { APP_ID, APP_SECRET, FAKE_ACCOUNTS, PATHS } from '../../helpers/constants.js';

@Injectable()
class ContentService {
  constructor(
    readonly drafts: DraftService,
    readonly publish: PublishService,
    readonly material: MaterialService,
  ) {}
}

describe('DraftService and PublishService in a user module', () => {
  let server: FakeWechatServer;
  let baseUrl: string;

  beforeAll(async () => {
    server = new FakeWechatServer({ accounts: FAKE_ACCOUNTS });
    ({ baseUrl } = await server.start());
  });

  afterAll(async () => {
    await server.stop();
  });

  it('are exported by forRootAsync, injectable, and share one token with MaterialService', async () => {
    @Module({
      imports: [
        WechatMaterialModule.forRootAsync({
          useFactory: () => ({ appId: APP_ID, appSecret: APP_SECRET, baseUrl }),
        }),
      ],
      providers: [ContentService],
    })
    class ContentModule {}

    const moduleRef = await Test.createTestingModule({ imports: [ContentModule] })
      .setLogger(new CapturingLogger())
      .compile();
    try {
      const content = moduleRef.get(ContentService);
      expect(content.drafts).toBeInstanceOf(DraftService);
      expect(content.publish).toBeInstanceOf(PublishService);
      await content.material.getMaterialCount();
      await content.publish.batchGetPublished({ offset: 0, count: 1 });
      expect(server.tokenRequests).toBe(1);
      expect(server.requests[PATHS.publishBatchGet]).toBe(1);
    } finally {
      await moduleRef.close();
    }
  });
});
