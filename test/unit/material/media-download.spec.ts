import { beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import {
  MaterialService,
  WechatApiException,
  WechatTransportException,
  WechatValidationException,
  type MaterialContent,
  type MaterialFileContent,
} from '../../../lib/index.js';
import { useMediaModules } from '../../helpers/media-modules.js';
import { UPLOAD_TOKEN, hold, json, type Answer } from '../../helpers/upload-server.js';
import { rejectionOf, sleep, waitFor } from '../../helpers/wait.js';
import { PATHS } from '../../helpers/constants.js';

const GET = PATHS.getMaterial;
const TMP_GET = PATHS.mediaGet;
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Header value carrying raw UTF-8 bytes, as WeChat sends Chinese filenames. */
const rawUtf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

interface FileOpts {
  contentType?: string | null;
  disposition?: string;
  /** Bytes sent before the body misbehaves. */
  then?: 'stall' | 'reset';
  at?: number;
}

/** A file answer; with `then`, only `at` bytes go out before the body stalls or is cut. */
const file =
  (bytes: Buffer, o: FileOpts = {}): Answer =>
  (_req, res: ServerResponse) => {
    const headers: Record<string, string | number> = { 'Content-Length': bytes.length };
    if (o.contentType !== null) headers['Content-Type'] = o.contentType ?? 'image/jpeg';
    if (o.disposition) headers['Content-disposition'] = o.disposition;
    // Raw UTF-8 bytes in a header, as WeChat sends them: on Node 20 writeHead(200, {…}) with a
    // Content-Length refuses them, and a head written together with a Buffer body mangles
    // them; setHeader + flushHeaders sends them byte for byte.
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.writeHead(200);
    res.flushHeaders();
    if (!o.then) return void res.end(bytes);
    res.write(bytes.subarray(0, o.at ?? bytes.length >> 1));
    if (o.then === 'reset') setTimeout(() => res.socket?.destroy(), 50);
  };

/** A body as given, byte for byte. */
const raw =
  (body: string | Buffer, contentType?: string): Answer =>
  (_req, res) => {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const headers: Record<string, string | number> = { 'Content-Length': bytes.length };
    if (contentType) headers['Content-Type'] = contentType;
    res.writeHead(200, headers);
    res.end(bytes);
  };

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function asFile(content: MaterialContent | { kind: string }): MaterialFileContent {
  expect(content.kind).toBe('file');
  return content as MaterialFileContent;
}

describe('downloads: JSON or a file, decided by the answer, streamed', () => {
  const { server, events, material } = useMediaModules();
  let m: MaterialService;

  beforeAll(async () => {
    m = await material({ transferTimeoutMs: 1000 });
  });

  const getEvents = () => events.filter((e) => e.path === GET);

  it('an image: a stream with its bytes, content type, filename and length; one ok event', async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    server.script(GET, file(bytes, { disposition: 'attachment; filename="MEDIA_ID.jpg"' }));
    const content = asFile(await m.getMaterial('MEDIA_ID'));
    expect(content).toMatchObject({
      contentType: 'image/jpeg',
      filename: 'MEDIA_ID.jpg',
      contentLength: bytes.length,
    });
    expect(sha256(await drain(content.stream))).toBe(sha256(bytes));
    const [r] = server.to(GET);
    expect(JSON.parse(r!.body.toString('utf8'))).toEqual({ media_id: 'MEDIA_ID' });
    expect(r!.query.get('access_token')).toBe(UPLOAD_TOKEN);
    expect(getEvents()).toMatchObject([{ attempt: 1, outcome: 'ok', retried: false }]);
  });

  it.each<[string, string, string]>([
    [
      'raw UTF-8 bytes in filename="…" (as WeChat sends them)',
      `attachment; filename="${rawUtf8('春节 海报.png')}"`,
      '春节 海报.png',
    ],
    [
      "filename*=UTF-8'' preferred",
      `attachment; filename="fallback.png"; filename*=UTF-8''%E8%A7%86%E9%A2%91.png`,
      '视频.png',
    ],
    ['a plain ASCII token', 'attachment; filename=plain.png', 'plain.png'],
    ['a directory part dropped', 'attachment; filename="../../etc/x.png"', 'x.png'],
  ])('filename: %s', async (_label, disposition, expected) => {
    server.script(GET, file(randomBytes(100), { disposition }));
    const content = asFile(await m.getMaterial('X'));
    expect(content.filename).toBe(expected);
    await drain(content.stream);
  });

  describe('JSON or file: the first non-blank byte AND the content type', () => {
    const news = {
      news_item: [{ title: '标题', content: '<p>x</p>', thumb_media_id: 'T' }],
      extra: 1,
    };

    it.each<[string, string | undefined]>([
      ['application/json', 'application/json; encoding=utf-8'],
      ['text/plain', 'text/plain'],
      ['no content type', undefined],
    ])('news as JSON with %s → kind news (unknown fields kept)', async (_l, ct) => {
      server.script(GET, raw(` \r\n${JSON.stringify(news)}`, ct));
      expect(await m.getMaterial('N')).toEqual({ kind: 'news', ...news });
    });

    it('a UTF-8 BOM before the JSON is blank', async () => {
      server.script(
        GET,
        raw(
          Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(news))]),
          'text/plain',
        ),
      );
      expect((await m.getMaterial('N')).kind).toBe('news');
    });

    it('video → kind video with down_url', async () => {
      const video = {
        title: '视频',
        description: '说明',
        down_url: 'http://example.invalid/v.mp4',
      };
      server.script(GET, json(video));
      expect(await m.getMaterial('V')).toEqual({ kind: 'video', ...video });
    });

    it('a file that starts with `{` but is served as an image is a file, bytes intact', async () => {
      const bytes = Buffer.from('{"errcode":40007,"errmsg":"this is the picture, really"}');
      server.script(GET, file(bytes, { contentType: 'image/png' }));
      const content = asFile(await m.getMaterial('B'));
      expect((await drain(content.stream)).equals(bytes)).toBe(true);
    });

    it('a text/plain body that is not JSON is a file', async () => {
      server.script(GET, raw('hello, voice transcript', 'text/plain'));
      const content = asFile(await m.getMaterial('T'));
      expect((await drain(content.stream)).toString()).toBe('hello, voice transcript');
    });

    it('a binary body without content type is a file (the peeked bytes not lost)', async () => {
      const bytes = Buffer.concat([Buffer.from('  \n'), randomBytes(200_000)]);
      server.script(GET, file(bytes, { contentType: null }));
      const content = asFile(await m.getMaterial('B'));
      expect(content.contentType).toBeUndefined();
      expect(sha256(await drain(content.stream))).toBe(sha256(bytes));
    });

    it.each<[string, Answer]>([
      ['temporary media shape', json({ video_url: 'http://x/v.mp4' })],
      ['an unknown shape', json({ foo: 1 })],
      ['an empty JSON answer', raw('', 'application/json')],
      ['a blank answer', raw('  \n', 'text/plain')],
      ['truncated JSON', raw('{"news_item":[', 'application/json')],
    ])('%s → bad_response, not retried', async (_l, answer) => {
      server.script(GET, answer);
      const err = await rejectionOf(m.getMaterial('J'));
      expect(err).toBeInstanceOf(WechatTransportException);
      expect(err).toMatchObject({ reason: 'bad_response', path: GET });
      expect(server.to(GET)).toHaveLength(1);
    });
  });

  describe('errors and retries (before a file is handed over)', () => {
    it('40007 → WechatApiException', async () => {
      server.script(
        GET,
        json({ errcode: 40007, errmsg: 'invalid media_id rid: 5fa26c60-1a0ebdd5-32fd1cd0' }),
      );
      const err = await rejectionOf(m.getMaterial('NOPE'));
      expect(err).toBeInstanceOf(WechatApiException);
      expect(err).toMatchObject({ errcode: 40007, rid: '5fa26c60-1a0ebdd5-32fd1cd0' });
    });

    it('-1 then HTTP 502 then the file: retried, the file streamed', async () => {
      const bytes = randomBytes(5000);
      server.script(GET, json({ errcode: -1, errmsg: 'busy' }), json({}, 502), file(bytes));
      const content = asFile(await m.getMaterial('R'));
      expect((await drain(content.stream)).equals(bytes)).toBe(true);
      expect(getEvents().map((e) => [e.attempt, e.outcome, e.retried])).toEqual([
        [1, 'errcode', true],
        [2, 'transport', true],
        [3, 'ok', false],
      ]);
    });

    it('40001 → one fresh token and a replay that gets the file', async () => {
      const bytes = randomBytes(5000);
      server.script(GET, json({ errcode: 40001, errmsg: 'invalid credential' }), file(bytes));
      const content = asFile(await m.getMaterial('R'));
      expect((await drain(content.stream)).equals(bytes)).toBe(true);
      expect(server.to(GET)).toHaveLength(2);
    });

    it('headers that never come: timeoutMs per attempt, retried', async () => {
      const quick = await material({ timeoutMs: 1000, retry: { attempts: 1, baseDelayMs: 5 } });
      server.script(GET, hold, hold);
      const err = await rejectionOf(quick.getMaterial('H'));
      expect(err).toMatchObject({ name: 'WechatTransportException', reason: 'timeout' });
      expect(server.to(GET)).toHaveLength(2);
    });

    it('a JSON body that stalls is bounded by timeoutMs too (read whole before answering)', async () => {
      const quick = await material({
        timeoutMs: 1000,
        transferTimeoutMs: 60_000,
        retry: { attempts: 0 },
      });
      server.script(GET, (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 100 });
        res.write('{"news_item":[');
      });
      const started = Date.now();
      const err = await rejectionOf(quick.getMaterial('S'));
      expect(err).toMatchObject({ name: 'WechatTransportException', reason: 'timeout' });
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });

  describe('after the headers: a stall, a reset, a destroyed stream', () => {
    it('a body that stalls errors the stream with timeout after transferTimeoutMs; one more event', async () => {
      const bytes = randomBytes(1024 * 1024);
      server.script(GET, file(bytes, { then: 'stall' }));
      const content = asFile(await m.getMaterial('S'));
      const err = await rejectionOf(drain(content.stream));
      expect(err).toBeInstanceOf(WechatTransportException);
      expect(err).toMatchObject({ reason: 'timeout', path: GET });
      expect(getEvents().map((e) => [e.attempt, e.outcome, e.retried])).toEqual([
        [1, 'ok', false],
        [1, 'transport', false],
      ]);
      // Never fetched again.
      expect(server.to(GET)).toHaveLength(1);
    });

    it('a body cut mid-way errors the stream with network; one more event', async () => {
      const bytes = randomBytes(1024 * 1024);
      server.script(GET, file(bytes, { then: 'reset' }));
      const content = asFile(await m.getMaterial('C'));
      const err = await rejectionOf(drain(content.stream));
      expect(err).toMatchObject({ name: 'WechatTransportException', reason: 'network' });
      expect(getEvents().map((e) => [e.attempt, e.outcome, e.retried])).toEqual([
        [1, 'ok', false],
        [1, 'transport', false],
      ]);
      expect(server.to(GET)).toHaveLength(1);
    });

    it('a stream the caller destroys frees its socket and adds no event', async () => {
      const bytes = randomBytes(4 * 1024 * 1024);
      server.script(GET, file(bytes, { then: 'stall', at: 256 * 1024 }));
      const content = asFile(await m.getMaterial('D'));
      await new Promise((resolve) => content.stream.once('data', resolve));
      const before = server.openConnections;
      content.stream.destroy();
      await waitFor(() => server.openConnections < before, 5000, 'the socket to close');
      await sleep(1500); // longer than transferTimeoutMs: no late timeout event either
      expect(getEvents()).toHaveLength(1);
    });

    it('a slow reader is not a stall: pauses longer than transferTimeoutMs are fine', async () => {
      const bytes = randomBytes(8 * 1024 * 1024);
      server.script(GET, file(bytes));
      const content = asFile(await m.getMaterial('P'));
      const chunks: Buffer[] = [];
      let paused = false;
      for await (const c of content.stream) {
        chunks.push(c as Buffer);
        if (!paused) {
          paused = true;
          await sleep(1500);
        }
      }
      expect(sha256(Buffer.concat(chunks))).toBe(sha256(bytes));
      expect(getEvents()).toHaveLength(1);
    });
  });

  describe('getTemporaryMaterial', () => {
    it('GET media/get?media_id=…: a file', async () => {
      const bytes = randomBytes(70_000);
      server.script(
        TMP_GET,
        file(bytes, {
          contentType: 'audio/amr',
          disposition: `attachment; filename="${rawUtf8('语音.amr')}"`,
        }),
      );
      const content = asFile(await m.getTemporaryMaterial('TMP 1'));
      expect(content).toMatchObject({
        contentType: 'audio/amr',
        filename: '语音.amr',
        contentLength: 70_000,
      });
      expect((await drain(content.stream)).equals(bytes)).toBe(true);
      const [r] = server.to(TMP_GET);
      expect(r!.method).toBe('GET');
      expect(r!.query.get('media_id')).toBe('TMP 1');
    });

    it('{ video_url } → kind video; get_material shapes → bad_response', async () => {
      server.script(
        TMP_GET,
        json({ video_url: 'http://x/v.mp4' }),
        json({ down_url: 'http://x', title: '', description: '' }),
      );
      expect(await m.getTemporaryMaterial('V')).toEqual({
        kind: 'video',
        video_url: 'http://x/v.mp4',
      });
      await expect(m.getTemporaryMaterial('V')).rejects.toMatchObject({ reason: 'bad_response' });
    });
  });

  it.each(['', '  ', undefined])('mediaId %p → 400, no request', async (id) => {
    for (const call of [m.getMaterial(id as string), m.getTemporaryMaterial(id as string)]) {
      const err = await rejectionOf(call);
      expect(err).toBeInstanceOf(WechatValidationException);
      expect((err as WechatValidationException).getResponse()).toMatchObject({
        message: ['mediaId must be a non-empty string'],
      });
    }
    expect(server.requests).toHaveLength(0);
  });
});
