import { describe, expect, it } from '@jest/globals';
import { request } from 'undici';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AttemptDeadline,
  AttemptSignal,
  AttemptTimeoutError,
} from '../../../lib/http/attempt-deadline.js';

describe('AttemptSignal (the per-attempt signal axios and undici read)', () => {
  it('runs each abort listener once, in order, and keeps no listener afterwards', () => {
    const signal = new AttemptSignal();
    const calls: string[] = [];
    const removed = (): void => void calls.push('removed');
    signal.addEventListener('abort', () => calls.push('a'));
    signal.addEventListener('abort', removed);
    signal.addEventListener('abort', { handleEvent: () => calls.push('b') });
    signal.addEventListener('other', () => calls.push('other'));
    signal.removeEventListener('abort', removed);
    signal.abort('why');
    signal.abort('again');
    expect(calls).toEqual(['a', 'b']);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('why');
  });
});

describe('AttemptDeadline', () => {
  it('aborts an undici request held by the server, with AttemptTimeoutError, once its time is up', async () => {
    const server: Server = createServer(() => undefined); // never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const deadline = new AttemptDeadline(1000);
    try {
      const err = await request(`http://127.0.0.1:${port}/`, {
        signal: deadline.signal as never,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AttemptTimeoutError);
      expect(deadline.timedOut).toBe(true);
    } finally {
      deadline.dispose();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("follows the caller's abort (reason kept, not a timeout) until disposed", () => {
    const caller = new AbortController();
    const deadline = new AttemptDeadline(60_000, caller.signal);
    caller.abort('stop');
    deadline.dispose();
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBe('stop');
    expect(deadline.timedOut).toBe(false);

    const later = new AbortController();
    const disposed = new AttemptDeadline(60_000, later.signal);
    disposed.dispose();
    later.abort('late');
    expect(disposed.signal.aborted).toBe(false);
  });
});
