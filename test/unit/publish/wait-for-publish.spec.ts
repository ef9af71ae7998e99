import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest,
} from '@jest/globals';
import { waitForPublish } from '../../../lib/publish/wait-for-publish.js';
import {
  PublishService,
  WechatApiException,
  WechatTransportException,
  type PublishStatus,
} from '../../../lib/index.js';
import { json, useScriptedWechat } from '../../helpers/scripted-wechat.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { PATHS } from '../../helpers/constants.js';
import { rejectionOf, waitFor } from '../../helpers/wait.js';

const PATH = PATHS.publishGet;
const status = (publish_status: number): PublishStatus => ({
  publish_id: 'P',
  publish_status,
  state: (['success', 'publishing', 'original_failed', 'failed'] as const)[publish_status]!,
});

/** A poll whose answers the test hands out one by one, recording when each poll started. */
class Polls {
  readonly started: number[] = [];
  readonly signals: AbortSignal[] = [];
  private pending: { resolve: (s: PublishStatus) => void; reject: (e: unknown) => void }[] = [];
  /** When set, every poll answers this at once (in a microtask). */
  auto: PublishStatus | undefined;

  readonly poll = (signal: AbortSignal): Promise<PublishStatus> => {
    this.started.push(Date.now());
    this.signals.push(signal);
    if (this.auto) return Promise.resolve(this.auto);
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  };

  get inFlight(): number {
    return this.pending.length;
  }

  answer(s: PublishStatus): void {
    this.pending.shift()!.resolve(s);
  }

  fail(e: unknown): void {
    this.pending.shift()!.reject(e);
  }

  /** Pauses between polls, in ms. */
  gaps(): number[] {
    return this.started.slice(1).map((t, i) => t - this.started[i]!);
  }
}

/** Observes a promise without letting it reject unhandled. */
function track<T>(p: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  return { settled: () => done, promise: p };
}

describe('waitForPublish (fake clock)', () => {
  let polls: Polls;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    polls = new Polls();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  /** A wait polling every 5 s for up to 60 s, that `signal` can abort. */
  const waitAbortable = (signal: AbortSignal) =>
    track(waitForPublish(polls.poll, { intervalMs: 5000, timeoutMs: 60_000, signal, path: PATH }));

  it('asks at once, then pauses intervalMs growing ×1.5 up to 30 s', async () => {
    polls.auto = status(1);
    const w = track(
      waitForPublish(polls.poll, { intervalMs: 2000, timeoutMs: 200_000, path: PATH }),
    );
    await jest.advanceTimersByTimeAsync(0);
    expect(polls.started).toEqual([1_000_000]);
    await jest.advanceTimersByTimeAsync(190_000);
    const gaps = polls.gaps();
    // 64,343.75 ms to reach 30 s, then 30 s each: 11 pauses within 190 s.
    const expected = [2000, 3000, 4500, 6750, 10125, 15187.5, 22781.25, 30000, 30000, 30000, 30000];
    expect(gaps.length).toBe(expected.length);
    gaps.forEach((g, i) => expect(Math.abs(g - expected[i]!)).toBeLessThanOrEqual(1));
    expect(w.settled()).toBe(false);
  });

  it('never has two polls in flight: the pause starts when the answer arrives', async () => {
    const w = track(
      waitForPublish(polls.poll, { intervalMs: 1000, timeoutMs: 60_000, path: PATH }),
    );
    await jest.advanceTimersByTimeAsync(5000); // a slow first answer
    expect(polls.started).toHaveLength(1);
    polls.answer(status(1));
    await jest.advanceTimersByTimeAsync(999);
    expect(polls.started).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(polls.started).toHaveLength(2);
    polls.answer(status(0));
    await expect(w.promise).resolves.toEqual(status(0));
    expect(polls.started).toHaveLength(2);
  });

  it('resolves with the first status that is not publishing (a failure included)', async () => {
    const w = track(waitForPublish(polls.poll, { intervalMs: 100, timeoutMs: 60_000, path: PATH }));
    await jest.advanceTimersByTimeAsync(0);
    polls.answer(status(1));
    await jest.advanceTimersByTimeAsync(100);
    const failed = { ...status(3), fail_idx: [2] };
    polls.answer(failed);
    await expect(w.promise).resolves.toEqual(failed);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(polls.started).toHaveLength(2);
  });

  it('at timeoutMs while pausing: the pause is cut and the last publishing status returned', async () => {
    polls.auto = status(1);
    const last = { ...status(1), seen: 'last' };
    let n = 0;
    const poll = (signal: AbortSignal) => {
      n++;
      return n === 4 ? (polls.poll(signal), Promise.resolve(last)) : polls.poll(signal);
    };
    const w = track(waitForPublish(poll, { intervalMs: 2000, timeoutMs: 10_000, path: PATH }));
    // polls at 0, 2000, 5000, 9500; the next pause (6750) would end at 16250.
    await jest.advanceTimersByTimeAsync(9999);
    expect(w.settled()).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await expect(w.promise).resolves.toBe(last);
    expect(polls.started.map((t) => t - 1_000_000)).toEqual([0, 2000, 5000, 9500]);
  });

  it('at timeoutMs while a poll is in flight: that poll is awaited and its answer returned', async () => {
    const w = track(waitForPublish(polls.poll, { intervalMs: 4000, timeoutMs: 5000, path: PATH }));
    await jest.advanceTimersByTimeAsync(0);
    polls.answer(status(1));
    await jest.advanceTimersByTimeAsync(4000); // second poll starts at 4000
    await jest.advanceTimersByTimeAsync(3000); // the deadline passes at 5000
    expect(w.settled()).toBe(false);
    expect(polls.signals[1]!.aborted).toBe(false);
    const late = { ...status(1), late: true };
    polls.answer(late);
    await expect(w.promise).resolves.toBe(late);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(polls.started).toHaveLength(2);
  });

  it('no answer at all by timeoutMs: the poll is aborted and it rejects with timeout', async () => {
    const w = track(waitForPublish(polls.poll, { intervalMs: 1000, timeoutMs: 3000, path: PATH }));
    await jest.advanceTimersByTimeAsync(2999);
    expect(w.settled()).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    const err = await rejectionOf(w.promise);
    expect(err).toBeInstanceOf(WechatTransportException);
    expect(err).toMatchObject({ reason: 'timeout', path: PATH });
    expect(polls.signals[0]!.aborted).toBe(true);
    polls.fail(new Error('aborted')); // the aborted poll settles late: nothing happens
    await jest.advanceTimersByTimeAsync(10_000);
    expect(polls.started).toHaveLength(1);
  });

  it('a poll error rejects at once, no more polls', async () => {
    const w = track(waitForPublish(polls.poll, { intervalMs: 100, timeoutMs: 60_000, path: PATH }));
    await jest.advanceTimersByTimeAsync(0);
    polls.answer(status(1));
    await jest.advanceTimersByTimeAsync(100);
    const boom = new WechatApiException(45009, 'quota', PATH);
    polls.fail(boom);
    await expect(w.promise).rejects.toBe(boom);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(polls.started).toHaveLength(2);
  });

  it('an abort during a pause rejects with signal.reason at once and stops polling', async () => {
    const ac = new AbortController();
    const w = waitAbortable(ac.signal);
    await jest.advanceTimersByTimeAsync(0);
    polls.answer(status(1));
    await jest.advanceTimersByTimeAsync(1000);
    const reason = new Error('user left');
    ac.abort(reason);
    await expect(w.promise).rejects.toBe(reason);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(polls.started).toHaveLength(1);
  });

  it('an abort during a poll aborts that poll and rejects at once, even if the poll hangs', async () => {
    const ac = new AbortController();
    const w = waitAbortable(ac.signal);
    await jest.advanceTimersByTimeAsync(0);
    ac.abort('why');
    await expect(w.promise).rejects.toBe('why');
    expect(polls.signals[0]!.aborted).toBe(true);
    expect(polls.signals[0]!.reason).toBe('why');
  });

  it('an already aborted signal: rejects with its reason, no poll', async () => {
    const reason = new Error('before');
    await expect(
      waitForPublish(polls.poll, {
        intervalMs: 1,
        timeoutMs: 1,
        signal: AbortSignal.abort(reason),
        path: PATH,
      }),
    ).rejects.toBe(reason);
    expect(polls.started).toEqual([]);
  });

  it('an interval longer than 30 s is kept, not shrunk', async () => {
    polls.auto = status(1);
    track(waitForPublish(polls.poll, { intervalMs: 45_000, timeoutMs: 200_000, path: PATH }));
    await jest.advanceTimersByTimeAsync(150_000);
    expect(polls.gaps()).toEqual([45_000, 45_000, 45_000]);
  });
});

describe('PublishService.waitForPublish over HTTP', () => {
  const s = useScriptedWechat();

  it('polls freepublish/get until a final state: publishing, publishing, failed with fail_idx', async () => {
    const answers = [1, 1, 3];
    s.answers.set(PATH, () => {
      const publish_status = answers.shift()!;
      return json({
        publish_id: 'P',
        publish_status,
        ...(publish_status === 3 && { fail_idx: [2] }),
      });
    });
    const result = await s.publish.waitForPublish('P', { intervalMs: 10, timeoutMs: 60_000 });
    expect(result).toEqual({ publish_id: 'P', publish_status: 3, state: 'failed', fail_idx: [2] });
    expect(s.calls(PATH).map((c) => c.body)).toEqual(Array(3).fill('{"publish_id":"P"}'));
  });

  it('an abort while pausing rejects with its reason and sends nothing more', async () => {
    s.answers.set(PATH, json({ publish_id: 'P', publish_status: 1 }));
    const ac = new AbortController();
    const w = track(s.publish.waitForPublish('P', { intervalMs: 60_000, signal: ac.signal }));
    await waitFor(() => s.calls(PATH).length === 1, 5000, 'first poll');
    const reason = new Error('stop');
    ac.abort(reason);
    await expect(w.promise).rejects.toBe(reason);
    expect(s.calls(PATH)).toHaveLength(1);
  });
});

describe('PublishService.waitForPublish when WeChat never answers', () => {
  let t: TestModule;

  beforeAll(async () => {
    t = await createTestModule();
  });

  afterAll(async () => {
    await t.close();
  });

  it('rejects with timeout at timeoutMs (the held poll is aborted, not retried)', async () => {
    t.server.failNext(PATHS.publishGet, 'timeout', 5);
    const publish = t.moduleRef.get(PublishService);
    const err = await rejectionOf(publish.waitForPublish('P', { intervalMs: 10, timeoutMs: 1000 }));
    expect(err).toBeInstanceOf(WechatTransportException);
    expect(err).toMatchObject({ reason: 'timeout', path: PATHS.publishGet });
    expect(t.server.requests[PATHS.publishGet]).toBe(1);
    t.server.clearFaults();
  });
});
