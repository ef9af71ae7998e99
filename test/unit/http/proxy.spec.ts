import { describe, expect, it } from '@jest/globals';
import {
  PROXY_PASSWORD,
  PROXY_USER,
  runProxyScenario,
  totalRequests,
  type ProxyScenarioResult,
} from '../../helpers/proxy-scenario.js';
import {
  PROXY_AUTH,
  SCENARIO_CALLS,
  expectNetworkFailure,
  expectNoCredentials,
} from '../../helpers/proxy-expect.js';

/** Every request WeChat received came over a connection the proxy opened. */
function expectAllThroughProxy(r: ProxyScenarioResult): void {
  expect(r.relayPeers.length).toBeGreaterThan(0);
  expect(new Set(r.relayPeers)).toEqual(new Set(['127.0.0.2']));
}

// Absolute-form: an http baseUrl is requested as `GET http://host/path` from the proxy.
describe('http.proxy with an http baseUrl (absolute-form)', () => {
  it('an AxiosProxyConfig with auth: every request through the proxy, authorized, no credential printed', async () => {
    const r = await runProxyScenario({
      scheme: 'http',
      proxyAuth: PROXY_AUTH,
      client: { kind: 'object', auth: PROXY_AUTH },
    });
    expect(r.ok).toBe(7);
    expect(r.errors).toEqual([expect.objectContaining({ errcode: 40007, httpStatus: 404 })]);
    // The errmsg quoted the proxy password: scrubbed like an app secret.
    expect(r.errors[0]!.message).toContain('invalid media_id ***');
    expect(totalRequests(r)).toBe(SCENARIO_CALLS);
    // One absolute-form request at the proxy per request at WeChat, none tunnelled.
    expect(r.proxy.connects).toEqual([]);
    expect(r.proxy.requests).toHaveLength(SCENARIO_CALLS);
    for (const req of r.proxy.requests) {
      expect(req.url.startsWith(`${r.baseUrl}/cgi-bin/`)).toBe(true);
      expect(req.authorized).toBe(true);
    }
    expectAllThroughProxy(r);
    expect(r.logs.some((l) => l.includes('ok /cgi-bin/material/batchget_material'))).toBe(true);
    expectNoCredentials(r);
  });

  it('a URL string without credentials, to a proxy that asks for none', async () => {
    const r = await runProxyScenario({ scheme: 'http', client: { kind: 'url' } });
    expect(r.ok).toBe(7);
    expect(r.proxy.requests).toHaveLength(totalRequests(r));
    // No Proxy-Authorization header at all (the proxy expected none).
    expect(r.proxy.requests.every((q) => q.authorized)).toBe(true);
    expectAllThroughProxy(r);
  });

  it('wrong credentials: the 407 is a network failure (502), retried, nothing reaches WeChat', async () => {
    const r = await runProxyScenario({
      scheme: 'http',
      proxyAuth: PROXY_AUTH,
      client: { kind: 'url', auth: { username: PROXY_USER, password: `${PROXY_PASSWORD}-old` } },
    });
    expect(r.ok).toBe(0);
    expectNetworkFailure(r);
    // attempts: 1 → two tries of the token request, both refused by the proxy.
    expect(r.proxy.requests).toHaveLength(2);
    expect(r.proxy.requests.every((q) => !q.authorized)).toBe(true);
    expect(totalRequests(r)).toBe(0);
    expect(r.relayPeers).toEqual([]);
    expect(r.printed).not.toContain(`${PROXY_PASSWORD}-old`);
    expectNoCredentials(r);
  });

  it('a dead proxy: network failure (ECONNREFUSED) mapped to 502, never a direct connection', async () => {
    const r = await runProxyScenario({
      scheme: 'http',
      deadProxy: true,
      client: { kind: 'url', auth: PROXY_AUTH },
    });
    expectNetworkFailure(r, { code: 'ECONNREFUSED' });
    expect(r.relayPeers).toEqual([]);
    expect(r.events).toHaveLength(2);
    expectNoCredentials(r);
  });
});
