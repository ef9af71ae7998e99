import { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { PATHS } from './constants.js';
import { closeNow, listenOnLoopback } from './loopback-server.js';

export interface RawRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
}

export interface RawAnswer {
  status?: number;
  contentType?: string;
  /** Sent byte for byte (a string is UTF-8 encoded). */
  body: string | Buffer;
  /**
   * Headers at once, then the body one byte every `trickleMs` (a slow server that is never
   * idle for long); stops when the client goes away.
   */
  trickleMs?: number;
}

/** Returns the answer, or undefined for the default (a token on the token paths, else 404). */
export type RawHandler = (req: RawRequest) => RawAnswer | undefined;

/** A token answer, for the token endpoints. */
export const RAW_TOKEN = 'RAW_TOKEN_4b1d2e3f5a6c7d8e9f0a1b2c';

const defaultAnswer = (req: RawRequest): RawAnswer =>
  req.path === PATHS.stableToken || req.path === PATHS.classicToken
    ? { body: JSON.stringify({ access_token: RAW_TOKEN, expires_in: 7200 }) }
    : { status: 404, contentType: 'text/plain', body: 'Not Found' };

/**
 * A scripted HTTP server on 127.0.0.1:0 for bodies the FakeWechatServer cannot produce
 * (a BOM, raw control characters, bytes of a recorded answer) and for watching sockets.
 * It answers token requests with RAW_TOKEN unless the handler says otherwise.
 */
export class RawServer {
  readonly requests: RawRequest[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** Connections ever accepted. */
  connectionsOpened = 0;

  constructor(private handler: RawHandler = () => undefined) {}

  /** Sockets currently open (a keep-alive client keeps them after its answers). */
  get openConnections(): number {
    return this.sockets.size;
  }

  setHandler(handler: RawHandler): void {
    this.handler = handler;
  }

  async start(): Promise<string> {
    const { server, url } = await listenOnLoopback(
      (req, res) => this.onRequest(req, res),
      this.sockets,
      () => this.connectionsOpened++,
    );
    this.server = server;
    return url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await closeNow(server);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const raw: RawRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.requests.push(raw);
      const answer = this.handler(raw) ?? defaultAnswer(raw);
      const body = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body;
      res.writeHead(answer.status ?? 200, {
        'Content-Type': answer.contentType ?? 'application/json; encoding=utf-8',
        'Content-Length': body.length,
      });
      if (answer.trickleMs === undefined) res.end(body);
      else trickle(res, body, answer.trickleMs);
    });
  }
}

function trickle(res: ServerResponse, body: Buffer, everyMs: number): void {
  res.flushHeaders();
  let sent = 0;
  const timer = setInterval(() => {
    res.write(body.subarray(sent, sent + 1));
    sent++;
    if (sent >= body.length) {
      clearInterval(timer);
      res.end();
    }
  }, everyMs);
  res.on('close', () => clearInterval(timer));
}
