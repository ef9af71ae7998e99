import { join } from 'node:path';
import { assertBuilt, FIXTURES, NodeWorker } from './node-worker.js';

/** Proxy credentials of the scenarios: none of these may appear in anything printed. */
export const PROXY_USER = 'corp-egress';
export const PROXY_PASSWORD = 'Pr0xy-Pa55word-f3b9';
export const PROXY_BASIC = Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64');
export const TEST_CA = join(FIXTURES, 'proxy-test-tls.crt');

export interface ProxyScenarioConfig {
  scheme: 'http' | 'https';
  /** Credentials the proxy demands (none: it lets everyone through). */
  proxyAuth?: { username: string; password: string };
  /** What the module is given: no `proxy`, `false`, a URL string or an AxiosProxyConfig. */
  client: {
    kind: 'none' | 'false' | 'url' | 'object';
    auth?: { username: string; password: string };
  };
  /** The proxy's port is closed before the module starts. */
  deadProxy?: boolean;
  /** HTTP_PROXY/HTTPS_PROXY point at the proxy (set inside the child, before the module). */
  envProxy?: boolean;
}

export interface ScenarioError {
  name?: string;
  reason?: string;
  status?: number;
  errcode?: number;
  code?: string;
  message?: string;
  httpStatus?: number;
}

export interface ProxyScenarioResult {
  baseUrl: string;
  relayPort: number;
  ok: number;
  errors: ScenarioError[];
  proxy: {
    requests: { url: string; authorized: boolean }[];
    connects: { target: string; authorized: boolean }[];
  };
  /** Remote address of every connection that reached WeChat (127.0.0.2: the proxy's). */
  relayPeers: string[];
  fakeRequests: Record<string, number>;
  logs: string[];
  events: unknown[];
  /** Everything the child printed, stdout and stderr, for the secret checks. */
  printed: string;
}

/**
 * Runs test/fixtures/proxy-scenario.mjs in a child process (the built package): environment
 * proxies and NODE_EXTRA_CA_CERTS are read at start-up. Proxy variables of this process never
 * leak in; `env` sets the child's.
 */
export async function runProxyScenario(
  config: ProxyScenarioConfig,
  env: Record<string, string | undefined> = {},
): Promise<ProxyScenarioResult> {
  assertBuilt(['dist/index.js', 'dist/testing/index.js']);
  const worker = new NodeWorker('proxy-scenario.mjs', config, {
    HTTP_PROXY: undefined,
    HTTPS_PROXY: undefined,
    NO_PROXY: undefined,
    http_proxy: undefined,
    https_proxy: undefined,
    no_proxy: undefined,
    ...env,
  });
  try {
    const line = await worker.waitForLine('RESULT ', 60_000);
    await worker.exited;
    const result = JSON.parse(line.slice('RESULT '.length)) as ProxyScenarioResult;
    result.printed = `${worker.lines.join('\n')}\n${worker.stderr}`;
    return result;
  } finally {
    worker.kill();
  }
}

/** Requests WeChat received, all paths together. */
export const totalRequests = (r: ProxyScenarioResult): number =>
  Object.values(r.fakeRequests).reduce((a, b) => a + b, 0);
