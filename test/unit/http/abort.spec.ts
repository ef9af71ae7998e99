import { afterEach, describe, expect, it } from '@jest/globals';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { PATHS } from '../../helpers/constants.js';
import type { WechatCallEvent } from '../../../lib/index.js';
import { collect, firstNext, rejectionOf, sleep, waitFor } from '../../helpers/wait.js';

describe('caller abort signal (iterateMaterials)', () => {
  let t: TestModule | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('an abort cancels an in-flight request and rejects with signal.reason', async () => {
    t = await createTestModule({ timeoutMs: 10_000 });
    await t.tokens.getAccessToken();
    t.server.failNext(PATHS.batchGet, 'timeout');
    const ac = new AbortController();
    const reason = new Error('user went away');
    const walk = rejectionOf(collect(t.material.iterateMaterials('image', { signal: ac.signal })));
    // Abort once the request is held by WeChat, not after a guessed delay.
    await waitFor(() => t!.server.requests[PATHS.batchGet] === 1, 5000, 'request held');
    const abortedAt = Date.now();
    ac.abort(reason);
    expect(await walk).toBe(reason);
    // Not the 10 s deadline, and not retried.
    expect(Date.now() - abortedAt).toBeLessThan(2000);
    await sleep(30);
    expect(t.server.requests[PATHS.batchGet]).toBe(1);
  });

  it('a cancelled attempt still emits one transport event, not retried', async () => {
    const events: WechatCallEvent[] = [];
    t = await createTestModule({ timeoutMs: 10_000, onCall: (e) => events.push(e) });
    await t.tokens.getAccessToken();
    events.length = 0;
    t.server.failNext(PATHS.batchGet, 'timeout');
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('gone')), 50);
    await expect(
      collect(t.material.iterateMaterials('image', { signal: ac.signal })),
    ).rejects.toThrow('gone');
    expect(events).toEqual([
      expect.objectContaining({
        path: PATHS.batchGet,
        attempt: 1,
        outcome: 'transport',
        retried: false,
      }),
    ]);
  });

  it('an abort during a backoff wait rejects at once and sends nothing more', async () => {
    t = await createTestModule({ retry: { attempts: 2, baseDelayMs: 5000, maxDelayMs: 5000 } });
    await t.tokens.getAccessToken();
    t.server.failNext(PATHS.batchGet, { errcode: -1 }, 3);
    const ac = new AbortController();
    const reason = new Error('stop');
    setTimeout(() => ac.abort(reason), 100);
    const started = Date.now();
    await expect(collect(t.material.iterateMaterials('image', { signal: ac.signal }))).rejects.toBe(
      reason,
    );
    expect(Date.now() - started).toBeLessThan(1500);
    await sleep(30);
    expect(t.server.requests[PATHS.batchGet]).toBe(1);
  });

  it('an already aborted signal rejects the first next() without any request', async () => {
    t = await createTestModule();
    const reason = new Error('too late');
    await expect(
      firstNext(t.material.iterateMaterials('image', { signal: AbortSignal.abort(reason) })),
    ).rejects.toBe(reason);
    expect(t.server.requests).toEqual({});
  });

  it('aborting between pages stops the walk', async () => {
    t = await createTestModule();
    t.server.seedGenerated({ image: 60 });
    const ac = new AbortController();
    const reason = new Error('enough');
    const seen: string[] = [];
    const err = await rejectionOf(
      (async () => {
        for await (const item of t!.material.iterateMaterials('image', {
          pageSize: 10,
          signal: ac.signal,
        })) {
          seen.push(item.media_id);
          if (seen.length === 15) ac.abort(reason);
        }
      })(),
    );
    expect(err).toBe(reason);
    expect(seen).toHaveLength(15);
    expect(t.server.requests[PATHS.batchGet]).toBe(2);
  });
});
