import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  DraftService,
  PublishService,
  WechatApiException,
  type DraftArticle,
} from '../../../lib/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { PATHS } from '../../helpers/constants.js';
import { rejectionOf } from '../../helpers/wait.js';

const NEWS: DraftArticle = { title: 'T', content: '<p>c</p>', thumb_media_id: 'THUMB' };

/**
 * API.md's filter rows for drafts and publishing, written out again (an independent oracle),
 * each with a call that WeChat answers with it.
 */
const ROWS: [errcode: number, status: number, error: string, path: string][] = [
  [45002, 400, 'Bad Request', PATHS.draftAdd], // content too long
  [45003, 400, 'Bad Request', PATHS.draftAdd], // title too long
  [45004, 400, 'Bad Request', PATHS.draftAdd], // digest too long
  [40062, 400, 'Bad Request', PATHS.draftAdd], // title or author too long
  [45166, 400, 'Bad Request', PATHS.draftAdd], // bad content
  [53404, 400, 'Bad Request', PATHS.draftAdd], // product card
  [53405, 400, 'Bad Request', PATHS.draftAdd],
  [53406, 400, 'Bad Request', PATHS.draftAdd],
  [88000, 403, 'Forbidden', PATHS.draftAdd], // no comment privilege
  [40114, 400, 'Bad Request', PATHS.draftUpdate], // bad index
  [40007, 404, 'Not Found', PATHS.draftGet],
  [48001, 403, 'Forbidden', PATHS.publishSubmit], // unverified accounts may not publish
  [53503, 422, 'Unprocessable Entity', PATHS.publishSubmit],
  [53504, 409, 'Conflict', PATHS.publishSubmit],
  [53505, 409, 'Conflict', PATHS.publishSubmit],
  [53600, 404, 'Not Found', PATHS.publishGetArticle],
  [40114, 400, 'Bad Request', PATHS.publishDelete],
];

describe('draft and publish errcodes, from a real answer to the filter reply', () => {
  let t: TestModule;
  let calls: Record<string, () => Promise<unknown>>;

  beforeAll(async () => {
    t = await createTestModule();
    const drafts = t.moduleRef.get(DraftService);
    const publish = t.moduleRef.get(PublishService);
    calls = {
      [PATHS.draftAdd]: () => drafts.addDraft([NEWS]),
      [PATHS.draftUpdate]: () => drafts.updateDraft('D', 9, NEWS),
      [PATHS.draftGet]: () => drafts.getDraft('D'),
      [PATHS.publishSubmit]: () => publish.submitPublish('D'),
      [PATHS.publishGetArticle]: () => publish.getPublishedArticle('A'),
      [PATHS.publishDelete]: () => publish.deletePublished('A', { index: 3 }),
    };
  });

  afterAll(async () => {
    await t.close();
  });

  beforeEach(() => {
    t.server.clearFaults();
    t.server.resetCounters();
  });

  it.each(ROWS)(
    'errcode %d → HTTP %d %s (on %s), sent once',
    async (errcode, status, error, path) => {
      t.server.failNext(path, { errcode, errmsg: `reason ${errcode}` });
      const err = await rejectionOf(calls[path]!());
      expect(err).toBeInstanceOf(WechatApiException);
      const e = err as WechatApiException;
      expect(e).toMatchObject({ errcode, path });
      // Not retried: none of these is a transient failure.
      expect(t.server.requests[path]).toBe(1);
      const reply = t.filter.toResponse(e);
      expect(reply.status).toBe(status);
      expect(reply.body).toMatchObject({ statusCode: status, error, errcode });
    },
  );
});
