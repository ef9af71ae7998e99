import { describe, expect, it } from '@jest/globals';
import {
  runProxyScenario,
  TEST_CA,
  totalRequests,
  type ProxyScenarioResult,
} from '../../helpers/proxy-scenario.js';
import {
  PROXY_AUTH,
  SCENARIO_CALLS,
  expectNetworkFailure,
  expectNoCredentials,
} from '../../helpers/proxy-expect.js';

// The module has no CA option (and `proxy` with `dispatcher` is refused): the child trusts
// the committed test certificate (IP:127.0.0.1) through Node's own variable.
const TRUST_TEST_CA = { NODE_EXTRA_CA_CERTS: TEST_CA };

/** Each connection WeChat saw is one CONNECT tunnel the proxy opened to it. */
function expectAllTunnelled(r: ProxyScenarioResult, authorized: boolean): void {
  expect(r.proxy.requests).toEqual([]);
  expect(r.proxy.connects.length).toBeGreaterThan(0);
  expect(r.proxy.connects).toEqual(
    r.proxy.connects.map(() => ({ target: `127.0.0.1:${r.relayPort}`, authorized })),
  );
  expect(r.relayPeers).toEqual(r.proxy.connects.map(() => '127.0.0.2'));
}

describe('http.proxy with an https baseUrl (CONNECT tunnel, TLS to WeChat inside it)', () => {
  it('a URL with credentials: every request tunnelled and authorized, no credential printed', async () => {
    const r = await runProxyScenario(
      { scheme: 'https', proxyAuth: PROXY_AUTH, client: { kind: 'url', auth: PROXY_AUTH } },
      TRUST_TEST_CA,
    );
    expect(r.baseUrl.startsWith('https://127.0.0.1:')).toBe(true);
    expect(r.ok).toBe(7);
    expect(r.errors).toEqual([expect.objectContaining({ errcode: 40007, httpStatus: 404 })]);
    // The errmsg quoted the proxy password: scrubbed like an app secret.
    expect(r.errors[0]!.message).toContain('invalid media_id ***');
    expect(totalRequests(r)).toBe(SCENARIO_CALLS);
    expectAllTunnelled(r, true);
    expectNoCredentials(r);
  });

  it('an AxiosProxyConfig without auth, to a proxy that asks for none', async () => {
    const r = await runProxyScenario(
      { scheme: 'https', client: { kind: 'object' } },
      TRUST_TEST_CA,
    );
    expect(r.ok).toBe(7);
    expect(totalRequests(r)).toBe(SCENARIO_CALLS);
    expectAllTunnelled(r, true);
  });

  it('a 407 to CONNECT is a network failure (502), retried, nothing reaches WeChat', async () => {
    const r = await runProxyScenario(
      { scheme: 'https', proxyAuth: PROXY_AUTH, client: { kind: 'object' } },
      TRUST_TEST_CA,
    );
    expect(r.ok).toBe(0);
    expectNetworkFailure(r);
    expect(r.proxy.connects).toHaveLength(2);
    expect(r.proxy.connects.every((c) => !c.authorized)).toBe(true);
    expect(r.relayPeers).toEqual([]);
    expect(totalRequests(r)).toBe(0);
    expectNoCredentials(r);
  });

  it('without the proxy, the same certificate is trusted directly (the tunnel was the only difference)', async () => {
    const r = await runProxyScenario({ scheme: 'https', client: { kind: 'false' } }, TRUST_TEST_CA);
    expect(r.ok).toBe(7);
    expect(r.proxy.connects).toEqual([]);
    expect(new Set(r.relayPeers)).toEqual(new Set(['127.0.0.1']));
  });
});
