import { describe, expect, it } from '@jest/globals';
import {
  PROXY_BASIC,
  PROXY_PASSWORD,
  runProxyScenario,
  totalRequests,
} from '../../helpers/proxy-scenario.js';
import { PROXY_AUTH } from '../../helpers/proxy-expect.js';

// HTTP_PROXY/HTTPS_PROXY are set inside the child (the proxy's port is known only there),
// before the module builds its dispatcher; this jest process's environment is never touched.
describe("environment proxies (undici's EnvHttpProxyAgent semantics)", () => {
  it('honoured when http.proxy is absent, credentials from the URL, none printed', async () => {
    const r = await runProxyScenario({
      scheme: 'http',
      proxyAuth: PROXY_AUTH,
      envProxy: true,
      client: { kind: 'none', auth: PROXY_AUTH },
    });
    expect(r.ok).toBe(7);
    // undici tunnels an http origin through an environment proxy too (CONNECT).
    const viaProxy = r.proxy.requests.length + r.proxy.connects.length;
    expect(viaProxy).toBeGreaterThan(0);
    expect([...r.proxy.requests, ...r.proxy.connects].every((x) => x.authorized)).toBe(true);
    expect(new Set(r.relayPeers)).toEqual(new Set(['127.0.0.2']));
    expect(totalRequests(r)).toBe(9);
    for (const secret of [PROXY_PASSWORD, PROXY_BASIC]) expect(r.printed).not.toContain(secret);
  });

  it('ignored with http.proxy false: direct connections only', async () => {
    const r = await runProxyScenario({ scheme: 'http', envProxy: true, client: { kind: 'false' } });
    expect(r.ok).toBe(7);
    expect(r.proxy.requests).toEqual([]);
    expect(r.proxy.connects).toEqual([]);
    expect(new Set(r.relayPeers)).toEqual(new Set(['127.0.0.1']));
  });

  it("NO_PROXY naming WeChat's host: direct", async () => {
    const r = await runProxyScenario(
      { scheme: 'http', envProxy: true, client: { kind: 'none' } },
      { NO_PROXY: '127.0.0.1' },
    );
    expect(r.ok).toBe(7);
    expect(r.proxy.requests).toEqual([]);
    expect(r.proxy.connects).toEqual([]);
    expect(new Set(r.relayPeers)).toEqual(new Set(['127.0.0.1']));
  });
});
