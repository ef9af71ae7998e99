import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { Agent, FormData, type Dispatcher } from 'undici';
import { undiciAdapter } from '../../../lib/http/undici.adapter.js';
import { WECHAT_AXIOS_CONFIG } from '../../../lib/http/wechat-http.client.js';
import { WechatTransportException } from '../../../lib/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { PATHS } from '../../helpers/constants.js';
import { rejectionOf, waitFor } from '../../helpers/wait.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/** A plain HTTP server on 127.0.0.1:0 whose answers each test scripts. */
class ScriptedServer {
  readonly seen: Seen[] = [];
  readonly sockets = new Set<Socket>();
  handler: Handler = (_req, res) => res.end('{}');
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        this.seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        this.handler(req, res, body);
      });
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server!;
    const closed = new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections();
    await closed;
  }
}

describe('undiciAdapter (axios over undici)', () => {
  const server = new ScriptedServer();
  let base: string;
  let dispatcher: Agent;
  let http: AxiosInstance;
  let dir: string;

  beforeAll(async () => {
    base = await server.start();
    dispatcher = new Agent();
    http = axios.create(WECHAT_AXIOS_CONFIG);
    dir = await mkdtemp(join(tmpdir(), 'adapter-'));
  });

  afterAll(async () => {
    await dispatcher.destroy();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    server.seen.length = 0;
    server.handler = (_req, res) => res.end('{}');
  });

  const get = (path: string, extra: object = {}) =>
    http.request({ method: 'GET', url: `${base}${path}`, dispatcher, ...extra } as object);
  const post = (path: string, data: unknown, extra: object = {}) =>
    http.request({ method: 'POST', url: `${base}${path}`, data, dispatcher, ...extra } as object);

  it('answers as text with status and lower-case headers; a 3xx is returned, never followed', async () => {
    server.handler = (req, res) => {
      if (req.url === '/moved') {
        res.writeHead(302, { Location: `${base}/elsewhere` }).end();
      } else res.writeHead(200, { 'X-Rid': 'r1' }).end('{"ok":1}');
    };
    const ok = await get('/ok?access_token=T');
    expect(ok).toMatchObject({ status: 200, data: '{"ok":1}' });
    expect(ok.headers['x-rid']).toBe('r1');
    const moved = await get('/moved');
    expect(moved.status).toBe(302);
    expect(server.seen.map((s) => s.url)).toEqual(['/ok?access_token=T', '/moved']);
  });

  it('rejects an answer above maxContentLength, declared or not (chunked)', async () => {
    server.handler = (req, res) => {
      if (req.url === '/declared') res.end('x'.repeat(2048));
      else {
        res.write('x'.repeat(1024));
        res.end('x'.repeat(1024));
      }
    };
    for (const path of ['/declared', '/chunked']) {
      const err = await rejectionOf(get(path, { maxContentLength: 1500 }));
      expect(err).toBeInstanceOf(AxiosError);
      expect(err).toMatchObject({ code: 'ERR_BAD_RESPONSE' });
    }
    await expect(get('/declared', { maxContentLength: 4096 })).resolves.toMatchObject({
      data: 'x'.repeat(2048),
    });
  });

  it("responseType 'stream' resolves at the headers; destroying the body frees the socket", async () => {
    let held: ServerResponse | undefined;
    server.handler = (_req, res) => {
      res.writeHead(200, { 'Content-Length': 10_000 });
      res.write('first');
      held = res;
    };
    const res = await get('/download', { responseType: 'stream' });
    expect(res.status).toBe(200);
    const body = res.data as Readable;
    const first = await new Promise<Buffer>((r) => body.once('data', r));
    expect(first.toString()).toBe('first');
    body.destroy();
    await waitFor(() => held!.socket === null || held!.socket.destroyed, 2000, 'socket closed');
  });

  it('sends string, Buffer and Uint8Array bodies with a Content-Length', async () => {
    await post('/a', '{"x":1}', { headers: { 'Content-Type': 'application/json' } });
    await post('/b', Buffer.from('buf'));
    await post('/c', new Uint8Array([1, 2, 3]));
    expect(server.seen.map((s) => [s.body.length, s.headers['content-length']])).toEqual([
      [7, '7'],
      [3, '3'],
      [3, '3'],
    ]);
    expect(server.seen.every((s) => s.headers['transfer-encoding'] === undefined)).toBe(true);
    expect(server.seen[0]!.headers['content-type']).toBe('application/json');
  });

  it("sends undici's FormData with a file-backed Blob as multipart with a Content-Length", async () => {
    const file = join(dir, 'a.jpg');
    await writeFile(file, Buffer.alloc(100_000, 7));
    const form = new FormData();
    form.append('description', '{"title":"t"}');
    form.append('media', await openAsBlob(file, { type: 'image/jpeg' }), 'a.jpg');
    await post('/upload', form);
    const seen = server.seen[0]!;
    expect(seen.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(Number(seen.headers['content-length'])).toBe(seen.body.length);
    expect(seen.headers['transfer-encoding']).toBeUndefined();
    expect(seen.body.length).toBeGreaterThan(100_000);
    expect(seen.body.toString('latin1')).toContain('filename="a.jpg"');
  });

  it('sends a stream with its Content-Length; refuses one without (never chunked)', async () => {
    const chunks = [Buffer.from('abc'), Buffer.from('def')];
    await post('/s', Readable.from(chunks), { headers: { 'Content-Length': '6' } });
    expect(server.seen[0]!.body.toString()).toBe('abcdef');
    expect(server.seen[0]!.headers['content-length']).toBe('6');
    const err = await rejectionOf(post('/s', Readable.from(chunks)));
    expect(err).toMatchObject({ code: 'ERR_BAD_REQUEST' });
    expect((err as Error).message).toMatch(/Content-Length/);
    expect(server.seen).toHaveLength(1);
  });

  it("refuses the global FormData with a message naming undici's", async () => {
    const form = new globalThis.FormData();
    form.append('a', 'b');
    const err = await rejectionOf(post('/f', form));
    expect((err as Error).message).toMatch(/undici's FormData/);
    expect(server.seen).toHaveLength(0);
  });

  it("rejects with the signal's reason when aborted (axios reports it as a cancel)", async () => {
    server.handler = () => undefined; // held
    const ac = new AbortController();
    const reason = new Error('deadline');
    const direct = undiciAdapter({
      ...WECHAT_AXIOS_CONFIG,
      method: 'get',
      url: `${base}/held`,
      headers: new axios.AxiosHeaders(),
      signal: ac.signal,
      dispatcher,
    } as never);
    const viaAxios = get('/held', { signal: ac.signal });
    await waitFor(() => server.seen.length === 2, 5000, 'both requests held');
    ac.abort(reason);
    await expect(direct).rejects.toBe(reason);
    expect(axios.isCancel(await rejectionOf(viaAxios))).toBe(true);
  });

  it('maps a refused connection and a reset to axios errors with ECONNREFUSED / ECONNRESET', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const refused = await rejectionOf(
      http.request({ url: `http://127.0.0.1:${port}/`, dispatcher } as object),
    );
    expect(refused).toBeInstanceOf(AxiosError);
    expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
    server.handler = (req) => req.socket.resetAndDestroy();
    expect(await rejectionOf(get('/reset'))).toMatchObject({ code: 'ECONNRESET' });
  });

  it('sends through the dispatcher given per request', async () => {
    const dispatched: string[] = [];
    const counting: Dispatcher = new Agent().compose((dispatch) => (opts, handler) => {
      dispatched.push(String(opts.path));
      return dispatch(opts, handler);
    });
    try {
      await http.request({ url: `${base}/via`, dispatcher: counting } as object);
      await get('/not-via');
      expect(dispatched).toEqual(['/via']);
    } finally {
      await counting.destroy();
    }
  });
});

describe('through the module: a redirect is an http_status failure, never followed', () => {
  const server = new ScriptedServer();
  let t: TestModule;

  beforeAll(async () => {
    const baseUrl = await server.start();
    server.handler = (req, res) => {
      if (req.url!.startsWith(PATHS.stableToken)) {
        res.end(JSON.stringify({ access_token: 'TOKEN_FOR_REDIRECT_TEST', expires_in: 7200 }));
      } else res.writeHead(302, { Location: `${baseUrl}/elsewhere` }).end();
    };
    t = await createTestModule({ baseUrl });
  });

  afterAll(async () => {
    await t.close();
    await server.stop();
  });

  it('302 → WechatTransportException http_status 302, one request, nothing sent to Location', async () => {
    const err = await rejectionOf(t.material.getMaterialCount());
    expect(err).toBeInstanceOf(WechatTransportException);
    expect(err).toMatchObject({ reason: 'http_status', status: 302 });
    expect(server.seen.map((s) => s.url.split('?')[0])).toEqual([PATHS.stableToken, PATHS.count]);
  });
});
