import type { AxiosProxyConfig } from 'axios';
import { Agent, EnvHttpProxyAgent, ProxyAgent, type Dispatcher } from 'undici';

/** The `http` options the dispatcher is built from (validated by the options resolver). */
export interface DispatcherOptions {
  readonly proxy?: AxiosProxyConfig | string | false;
  readonly dispatcher?: Dispatcher;
}

export interface ModuleDispatcher {
  readonly dispatcher: Dispatcher;
  /** True when the module built it, and so closes it on shutdown. */
  readonly owned: boolean;
  /** Proxy credentials in every form they could be echoed in (scrubbed from errmsgs). */
  readonly secrets: readonly string[];
}

/**
 * This module's undici dispatcher: the user's own as is; a `ProxyAgent` for `http.proxy`; a
 * plain `Agent` for `proxy: false`; else the environment's proxies with `EnvHttpProxyAgent`
 * semantics. All keep sockets alive and cap no connections.
 */
export function createModuleDispatcher(http: DispatcherOptions): ModuleDispatcher {
  if (http.dispatcher) return { dispatcher: http.dispatcher, owned: false, secrets: [] };
  if (http.proxy === false) return { dispatcher: new Agent(), owned: true, secrets: [] };
  if (http.proxy !== undefined) {
    const target = proxyTarget(http.proxy);
    // proxyTunnel false: absolute-form for an http origin, as axios sends it; CONNECT for https.
    const dispatcher = new ProxyAgent({ uri: target.uri, token: target.token, proxyTunnel: false });
    return { dispatcher, owned: true, secrets: target.secrets };
  }
  const { env } = process;
  const httpProxy = env.http_proxy ?? env.HTTP_PROXY;
  const httpsProxy = env.https_proxy ?? env.HTTPS_PROXY;
  // EnvHttpProxyAgent reads the proxy variables once, here; without any, it would only ever
  // pick its inner Agent, after a URL parse per request. The plain Agent is the same thing.
  if (!httpProxy && !httpsProxy) return { dispatcher: new Agent(), owned: true, secrets: [] };
  const secrets = [httpProxy, httpsProxy].flatMap((u) => (u ? urlSecrets(u) : []));
  return { dispatcher: new EnvHttpProxyAgent(), owned: true, secrets };
}

interface ProxyTarget {
  /** Scheme, host and port only: credentials travel in `token`. */
  uri: string;
  token?: string;
  secrets: string[];
}

/** An `AxiosProxyConfig` or a proxy URL as undici's `ProxyAgent` wants it. */
export function proxyTarget(proxy: AxiosProxyConfig | string): ProxyTarget {
  let protocol: string;
  let host: string;
  let port: string;
  let user: string | undefined;
  let pass: string | undefined;
  if (typeof proxy === 'string') {
    const url = new URL(proxy);
    ({ protocol, hostname: host, port } = url);
    if (url.username || url.password) {
      user = decodeURIComponent(url.username);
      pass = decodeURIComponent(url.password);
    }
  } else {
    protocol = proxy.protocol ?? 'http';
    host = proxy.host;
    port = String(proxy.port);
    if (proxy.auth) ({ username: user, password: pass } = proxy.auth);
  }
  protocol = protocol.replace(/:$/, '');
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const uri = `${protocol}://${hostPart}${port ? `:${port}` : ''}`;
  if (user === undefined && pass === undefined) return { uri, secrets: [] };
  const pair = `${user ?? ''}:${pass ?? ''}`;
  const basic = Buffer.from(pair).toString('base64');
  return { uri, token: `Basic ${basic}`, secrets: [pair, basic, pass ?? ''].filter(Boolean) };
}

function urlSecrets(raw: string): string[] {
  try {
    return proxyTarget(raw).secrets;
  } catch {
    return [];
  }
}
