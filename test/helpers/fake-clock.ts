import { jest } from '@jest/globals';

export interface FakeClock {
  /** Moves Date.now() forward by `ms`. */
  advance(ms: number): void;
  /** Milliseconds the clock was moved since it was installed. */
  readonly elapsed: number;
}

/**
 * Freezes Date.now() for the library and the FakeWechatServer alike (same process) and lets
 * the test move it by hand: token lifetimes, cooldowns and the force_refresh interval are
 * then checked without sleeping, so a busy machine cannot shift a call across a boundary.
 * Timers stay real (request deadlines and backoff still work). Undo with
 * `jest.restoreAllMocks()` in an afterEach.
 */
export function installFakeClock(): FakeClock {
  const start = Date.now();
  let offset = 0;
  jest.spyOn(Date, 'now').mockImplementation(() => start + offset);
  return {
    advance(ms: number) {
      offset += ms;
    },
    get elapsed() {
      return offset;
    },
  };
}
