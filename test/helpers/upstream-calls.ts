import type { FakeWechatServer } from '../../lib/testing/index.js';

/** Every request the fake has seen, token endpoints included. */
export function upstreamCalls(fake: Pick<FakeWechatServer, 'requests'>): number {
  return Object.values(fake.requests).reduce((sum, n) => sum + n, 0);
}
