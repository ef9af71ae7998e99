import { request, type IncomingMessage } from 'node:http';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { PATHS } from '../../helpers/constants.js';
import { useFakeServer } from '../../helpers/fake-client.js';
import { waitFor } from '../../helpers/wait.js';

const BATCHGET = PATHS.batchGet;

const fake = useFakeServer();
let token: string;

beforeEach(() => {
  // 20 generated news items: a body of some 30 KB, so "mid-body" means something.
  fake.server.seedGenerated({ news: 100 });
  token = fake.server.issueToken();
});

/** A POST whose answer is watched chunk by chunk: how far the body got, and how it ended. */
interface Watched {
  res: IncomingMessage;
  received: () => number;
  ended: Promise<'end' | 'error'>;
  destroy: () => void;
}

function watchPage(): Promise<Watched> {
  const body = JSON.stringify({ type: 'news', offset: 0, count: 20 });
  return new Promise((resolve, reject) => {
    const req = request(
      `${fake.baseUrl}${BATCHGET}?access_token=${token}`,
      { method: 'POST', agent: false },
      (res) => {
        let received = 0;
        const ended = new Promise<'end' | 'error'>((done) => {
          res.on('data', (chunk: Buffer) => (received += chunk.length));
          res.on('end', () => done('end'));
          res.on('error', () => done('error'));
          res.on('aborted', () => done('error'));
        });
        resolve({ res, received: () => received, ended, destroy: () => req.destroy() });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function wholeLength(): Promise<number> {
  const watched = await watchPage();
  expect(await watched.ended).toBe('end');
  return watched.received();
}

describe('body faults', () => {
  it('reset_body: the normal status and headers, part of the body, then a reset', async () => {
    const whole = await wholeLength();
    fake.server.failNext(BATCHGET, 'reset_body');
    const watched = await watchPage();
    expect(watched.res.statusCode).toBe(200);
    expect(watched.res.headers['content-type']).toBe('text/plain');
    expect(Number(watched.res.headers['content-length'])).toBe(whole);
    expect(await watched.ended).toBe('error');
    expect(watched.received()).toBeGreaterThan(0);
    expect(watched.received()).toBeLessThan(whole);
    expect(await wholeLength()).toBe(whole);
  });

  it('stall_body: part of the body, then nothing until stop()', async () => {
    const whole = await wholeLength();
    fake.server.failNext(BATCHGET, 'stall_body');
    const watched = await watchPage();
    expect(watched.res.statusCode).toBe(200);
    expect(Number(watched.res.headers['content-length'])).toBe(whole);
    await waitFor(() => watched.received() > 0, 5000, 'the first part of the body');
    const outcome = await Promise.race([
      watched.ended,
      new Promise((r) => setTimeout(() => r('still held'), 1000)),
    ]);
    expect(outcome).toBe('still held');
    expect(watched.received()).toBeLessThan(whole);
    const started = performance.now();
    await fake.server.stop();
    expect(await watched.ended).toBe('error');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stall_body: a client that gives up frees the request; the next one is served', async () => {
    fake.server.failNext(BATCHGET, 'stall_body');
    const watched = await watchPage();
    await waitFor(() => watched.received() > 0, 5000, 'the first part of the body');
    watched.destroy();
    expect(await watched.ended).toBe('error');
    const next = await watchPage();
    expect(await next.ended).toBe('end');
    expect(fake.server.requests[BATCHGET]).toBe(2);
  });

  it('body faults cut the answer the request really gets (an errcode answer here)', async () => {
    fake.server.failNext(BATCHGET, 'reset_body');
    token = 'not-a-token';
    const watched = await watchPage();
    expect(watched.res.headers['content-type']).toBe('application/json; encoding=utf-8');
    expect(await watched.ended).toBe('error');
  });
});
