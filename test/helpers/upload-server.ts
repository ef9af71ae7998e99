import { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import busboy from 'busboy';
import { PATHS } from './constants.js';
import { closeNow, listenOnLoopback } from './loopback-server.js';

/** One multipart part as the server parsed it (filenames decoded as UTF-8, as WeChat does). */
export interface ReceivedPart {
  name: string;
  filename?: string;
  mimeType?: string;
  data: Buffer;
}

/** A request as it arrived, byte for byte. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** Parsed when the body is multipart/form-data. */
  parts?: ReceivedPart[];
}

/** Writes the answer (or not: a held request, a reset socket). */
export type Answer = (req: ReceivedRequest, res: ServerResponse) => void;

export const UPLOAD_TOKEN = 'UPLOAD_TOKEN_5c2e3f4a6b7d8e9f0a1b2c3d';

export const json =
  (body: unknown, status = 200): Answer =>
  (_req, res) => {
    const bytes = Buffer.from(JSON.stringify(body), 'utf8');
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': bytes.length });
    res.end(bytes);
  };

/** Drops the connection without an answer. */
export const reset: Answer = (_req, res) => res.socket?.destroy();

/** Never answers (until the client gives up or the server stops). */
export const hold: Answer = () => undefined;

const DEFAULTS: Record<string, Answer> = {
  [PATHS.stableToken]: json({ access_token: UPLOAD_TOKEN, expires_in: 7200 }),
  [PATHS.classicToken]: json({ access_token: UPLOAD_TOKEN, expires_in: 7200 }),
  [PATHS.addMaterial]: json({ media_id: 'MEDIA_ID_1', url: 'http://mmbiz.qpic.cn/x' }),
  [PATHS.uploadImg]: json({ url: 'http://mmbiz.qpic.cn/article' }),
  [PATHS.mediaUpload]: json({ type: 'image', media_id: 'TMP_ID_1', created_at: 1700000000 }),
};

async function parseMultipart(headers: IncomingMessage['headers'], body: Buffer) {
  const parts: ReceivedPart[] = [];
  const bb = busboy({ headers, defParamCharset: 'utf8', limits: { fileSize: Infinity } });
  bb.on('field', (name, value) => parts.push({ name, data: Buffer.from(value, 'utf8') }));
  bb.on('file', (name, stream, info) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () =>
      parts.push({
        name,
        filename: info.filename,
        mimeType: info.mimeType,
        data: Buffer.concat(chunks),
      }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    bb.on('close', resolve);
    bb.on('error', reject);
    Readable.from([body]).pipe(bb);
  });
  return parts;
}

/**
 * A WeChat stand-in on 127.0.0.1:0 for the upload path, where the bytes on the wire are the
 * point: it keeps every request's raw body and its parsed multipart parts, answers token
 * requests, and plays scripted answers per path (then the defaults above).
 */
export class UploadServer {
  readonly requests: ReceivedRequest[] = [];
  private readonly scripts = new Map<string, Answer[]>();
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  /** Answers for the next requests to `path`, in order. */
  script(path: string, ...answers: Answer[]): void {
    this.scripts.set(path, [...(this.scripts.get(path) ?? []), ...answers]);
  }

  /** Requests to one path (token requests excluded unless asked for). */
  to(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Sockets currently open (a keep-alive client keeps them after its answers). */
  get openConnections(): number {
    return this.sockets.size;
  }

  get businessRequests(): ReceivedRequest[] {
    return this.requests.filter((r) => !r.path.endsWith('token'));
  }

  reset(): void {
    this.requests.length = 0;
    this.scripts.clear();
  }

  async start(): Promise<string> {
    const { server, url } = await listenOnLoopback(
      (req, res) => void this.onRequest(req, res),
      this.sockets,
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

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const received: ReceivedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    if (req.headers['content-type']?.startsWith('multipart/form-data')) {
      received.parts = await parseMultipart(req.headers, received.body).catch(() => undefined);
    }
    this.requests.push(received);
    const answer =
      this.scripts.get(received.path)?.shift() ??
      DEFAULTS[received.path] ??
      json({ errcode: 404, errmsg: 'no such path' }, 404);
    answer(received, res);
  }
}
