import { expect } from '@jest/globals';
import {
  PROXY_BASIC,
  PROXY_PASSWORD,
  PROXY_USER,
  type ProxyScenarioResult,
} from './proxy-scenario.js';

export const PROXY_AUTH = { username: PROXY_USER, password: PROXY_PASSWORD };
// The scenario: a token, a page, the counts, 5 pages at once, then a 40007.
export const SCENARIO_CALLS = 1 + 1 + 1 + 5 + 1;

/** No proxy credential in any message, stack, log line, event or filter body. */
export function expectNoCredentials(r: ProxyScenarioResult): void {
  for (const secret of [PROXY_PASSWORD, PROXY_BASIC, encodeURIComponent(PROXY_PASSWORD)]) {
    expect(r.printed).not.toContain(secret);
  }
  expect(r.printed).not.toContain(`${PROXY_USER}:`);
}

/** The one error a proxy that refuses or is down gives: a network failure mapped to 502. */
export function expectNetworkFailure(
  r: ProxyScenarioResult,
  more: Record<string, unknown> = {},
): void {
  expect(r.errors).toEqual([
    expect.objectContaining({
      name: 'WechatTransportException',
      reason: 'network',
      ...more,
      httpStatus: 502,
    }),
  ]);
}
