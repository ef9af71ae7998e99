import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A failure the fake answers with instead of the normal answer.
 *
 * - `{ errcode, errmsg? }`: HTTP 200 JSON errcode answer (errmsg defaults to WeChat's text), with a `rid`.
 * - `'timeout'`: the request is held unanswered until the client gives up or `stop()` is called.
 * - `'reset'`: the socket is reset (TCP RST) without an answer.
 * - `'html502'` / `'html504'`: an nginx-style HTML error page with that HTTP status, as gateways send.
 * - `'not_json'`: HTTP 200 with an HTML page.
 * - `'truncated_json'`: HTTP 200 with a JSON body cut in the middle.
 * - `'empty'`: HTTP 200 with an empty body.
 */
export type FakeFault =
  | { errcode: number; errmsg?: string }
  | 'timeout'
  | 'reset'
  | 'html502'
  | 'html504'
  | 'not_json'
  | 'truncated_json'
  | 'empty';

/** Options of {@link FakeWechatServer}. */
export interface FakeWechatServerOptions {
  /** appId -> appSecret; replaces the default `{ wx_fake_app: 'fake_secret' }`. */
  accounts?: Record<string, string>;
  /** Added to every answer, in milliseconds; default 0. */
  latencyMs?: number;
  /** Lifetime of minted tokens; default 7200. */
  tokenTtlSeconds?: number;
  /**
   * Path -> calls a day before 45009, merged over the defaults (100000 for batchget_material
   * and get_materialcount). Only these paths are known to `/cgi-bin/openapi/quota/get`.
   */
  dailyLimits?: Record<string, number>;
  /** WeChat Cloud Hosting gateway mode: business calls need no access_token (one given is ignored). */
  tokenless?: boolean;
  /** Port on 127.0.0.1; default 0 (a free port). */
  port?: number;
}

type FakeMaterialType = 'image' | 'video' | 'voice' | 'news';

const MATERIAL_TYPES: readonly FakeMaterialType[] = ['image', 'video', 'voice', 'news'];

const TOKEN_PATH = '/cgi-bin/token';
const STABLE_TOKEN_PATH = '/cgi-bin/stable_token';
const BATCHGET_PATH = '/cgi-bin/material/batchget_material';
const COUNT_PATH = '/cgi-bin/material/get_materialcount';
const QUOTA_PATH = '/cgi-bin/openapi/quota/get';

/** WeChat keeps the previous classic token alive this long after a new fetch. */
const CLASSIC_OVERLAP_MS = 5 * 60 * 1000;
const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_ACCOUNTS: Readonly<Record<string, string>> = { wx_fake_app: 'fake_secret' };
const DEFAULT_DAILY_LIMITS: Readonly<Record<string, number>> = {
  [BATCHGET_PATH]: 100000,
  [COUNT_PATH]: 100000,
};

const JSON_TYPE = 'application/json; encoding=utf-8';
/** WeChat serves these two as text/plain (co-wechat-api #48); clients must not trust the header. */
const MATERIAL_TYPE = 'text/plain';

/** errmsg texts as WeChat writes them (a rid suffix is added when answering). */
const ERRMSG: Readonly<Record<number, string>> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40004: 'invalid media type',
  40007: 'invalid media_id',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40125: 'invalid appsecret',
  // The real text echoes the caller's IP: the library must mask it.
  40164: 'invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist',
  40243: 'AppSecret已被冻结，请登录MP解冻后再次调用。',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  42001: 'access_token expired',
  43002: 'require POST method',
  44002: 'empty post data',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit mustslower retry next minute',
  45103: 'This API has been unsupported',
  47001: 'data format error',
  48001: 'api unauthorized',
  50001: 'user unauthorized',
  50002: 'user limited',
  76021: 'cgi_path not found, please check',
  76022: 'could not use this cgi_path，no permission',
  89501: '此IP正在等待管理员确认,请联系管理员 ip: 1.2.3.4',
  89503: '此IP调用需要管理员确认,请联系管理员 ip: 1.2.3.4',
};

const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
  '<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const NGINX_504 =
  '<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n' +
  '<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const NGINX_413 =
  '<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n' +
  '<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const HTML_PAGE =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>微信公众平台</title></head>' +
  '<body><div class="page_msg"><h4>系统繁忙，请稍后再试</h4></div></body></html>';

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

interface Answer {
  status: number;
  contentType: string;
  body: string;
  close?: boolean;
}

interface TokenRecord {
  appId: string;
  /** epoch ms; past it the token answers 42001 */
  expiresAt: number;
  /** epoch ms; from then on the token answers 40001 (superseded or forced out) */
  revokedAt: number;
}

interface RatioRule {
  ratio: number;
  fault: FakeFault;
}

/** What a library shelf needs: arrays fit, and so do generated shelves. */
interface ItemSource {
  readonly length: number;
  at(index: number): object | undefined;
}

interface Shelf {
  /** added with addMaterial, newest first */
  front: object[];
  base: ItemSource;
}

type Library = Record<FakeMaterialType, Shelf>;

/** mulberry32: tiny, fast, good enough for reproducible fault draws and fake data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, to seed a PRNG from a string. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function chars(rand: () => number, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(rand() * alphabet.length)];
  return out;
}

/**
 * A 43-character media_id like WeChat's. The last 8 characters spell `serial` in base64url so
 * ids of one shelf never collide (a 32-bit seed alone would, among 50,000 items).
 */
function mediaId(seed: string, serial: number, kind: string): string {
  let tail = '';
  let n = serial;
  for (let i = 0; i < 8; i++) {
    tail = B64URL[n % 64] + tail;
    n = Math.floor(n / 64);
  }
  return chars(prng(hash(seed)), B64URL, 34) + kind + tail;
}

function picUrl(seed: string, format: 'png' | 'jpeg'): string {
  const dir = format === 'png' ? 'mmbiz_png' : 'mmbiz_jpg';
  return `http://mmbiz.qpic.cn/${dir}/${chars(prng(hash(seed)), ALNUM, 86)}/0?wx_fmt=${format}`;
}

function articleUrl(seed: string, mid: number, idx: number): string {
  const sn = chars(prng(hash(seed)), HEX, 32);
  return `http://mp.weixin.qq.com/s?__biz=MzA5NjYxMjM0NQ==&mid=${mid}&idx=${idx}&sn=${sn}#rd`;
}

const KIND_CHAR: Readonly<Record<FakeMaterialType, string>> = {
  image: 'i',
  video: 'v',
  voice: 'o',
  news: 'n',
};

/** Items built on demand from their index: 50,000 of them cost nothing until asked for. */
class GeneratedShelf implements ItemSource {
  constructor(
    private readonly type: FakeMaterialType,
    readonly length: number,
  ) {}

  at(index: number): object | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) return undefined;
    // index 0 is the newest; n counts in creation order so ids stay put when the count grows.
    const n = this.length - 1 - index;
    const time = 1600000000 + n * 97;
    const id = mediaId(`gen:${this.type}:${n}`, n, KIND_CHAR[this.type]);
    switch (this.type) {
      case 'image':
        return {
          media_id: id,
          name: n % 3 === 0 ? 'CropImage' : `素材图片_${n}.${n % 2 === 0 ? 'png' : 'jpg'}`,
          update_time: time,
          url: picUrl(`gen:pic:${n}`, n % 2 === 0 ? 'png' : 'jpeg'),
        };
      case 'video':
        return n % 2 === 0
          ? {
              media_id: id,
              name: `视频_${n}`,
              update_time: time,
              description: `第 ${n} 个视频`,
              tags: [],
              cover_url: picUrl(`gen:cover:${n}`, 'jpeg'),
            }
          : { media_id: id, name: `视频_${n}`, update_time: time };
      case 'voice':
        return { media_id: id, name: `语音_${n}.mp3`, update_time: time };
      case 'news': {
        const articles: object[] = [];
        for (let idx = 1; idx <= (n % 3) + 1; idx++) {
          const thumb = picUrl(`gen:thumb:${n}:${idx}`, 'jpeg');
          articles.push({
            title: `图文 ${n} 第 ${idx} 篇`,
            author: idx === 1 ? '编辑部' : '',
            digest: idx === 1 ? `图文 ${n} 的摘要` : '',
            content: `<p>图文 ${n} 第 ${idx} 篇正文</p><p><img data-src="${thumb}" data-type="jpeg" /></p>`,
            content_source_url: '',
            thumb_media_id: mediaId(`gen:thumbid:${n}:${idx}`, n, 'T'),
            show_cover_pic: 0,
            url: articleUrl(`gen:sn:${n}:${idx}`, 100000000 + n, idx),
            thumb_url: thumb,
            need_open_comment: 0,
            only_fans_can_comment: 0,
          });
        }
        return {
          media_id: id,
          content: { news_item: articles, create_time: time, update_time: time },
          update_time: time,
        };
      }
    }
  }
}

/** The library a fresh fake serves: a little of everything WeChat really returns. */
function defaultLibrary(): Library {
  const img = (i: number): string => mediaId(`default:image:${i}`, i, 'i');
  const imgUrl0 = picUrl('default:pic:0', 'png');
  const imgUrl1 = picUrl('default:pic:1', 'jpeg');
  const images = [
    { media_id: img(0), name: '封面图.jpg', update_time: 1718090000, url: imgUrl0 },
    { media_id: img(1), name: 'CropImage', update_time: 1717990000, url: imgUrl1 },
    {
      media_id: img(2),
      name: '活动海报-春节.png',
      update_time: 1707000000,
      url: picUrl('default:pic:2', 'png'),
      tags: [],
    },
    {
      media_id: img(3),
      name: 'qrcode.jpg',
      update_time: 1438162982,
      // pre-2016 images live on mmbiz.qlogo.cn
      url: `http://mmbiz.qlogo.cn/mmbiz/${chars(prng(3), ALNUM, 86)}/0?wx_fmt=jpeg`,
    },
  ];
  const videos = [
    {
      media_id: mediaId('default:video:0', 0, 'v'),
      name: '品牌宣传片',
      update_time: 1718000000,
      description: '2024 年品牌宣传片',
      tags: ['宣传'],
      cover_url: picUrl('default:cover:0', 'jpeg'),
    },
    { media_id: mediaId('default:video:1', 1, 'v'), name: '发布会回放', update_time: 1521355652 },
  ];
  const voices = [
    { media_id: mediaId('default:voice:0', 0, 'o'), name: '欢迎语音.mp3', update_time: 1717000000 },
    { media_id: mediaId('default:voice:1', 1, 'o'), name: '节目预告', update_time: 1547511262 },
  ];
  const news = [
    {
      media_id: mediaId('default:news:0', 0, 'n'),
      content: {
        news_item: [
          {
            title: '新品发布｜夏季系列上线',
            author: '品牌部',
            digest: '夏季系列今日上线，点击查看详情。',
            content:
              '<p>夏季系列今日上线。</p><p><img data-src="' +
              imgUrl0 +
              '" data-type="png" data-ratio="0.5625" /></p><p><a href="https://example.com/summer">了解更多</a></p>',
            content_source_url: 'https://example.com/summer',
            thumb_media_id: img(0),
            show_cover_pic: 1,
            url: articleUrl('default:sn:0:1', 2247483650, 1),
            thumb_url: imgUrl0,
            need_open_comment: 1,
            only_fans_can_comment: 0,
          },
          {
            title: '门店地址一览',
            author: '',
            digest: '',
            content: '<p>北京 · 上海 · 广州 · 深圳</p>',
            content_source_url: '',
            thumb_media_id: img(1),
            show_cover_pic: 0,
            url: articleUrl('default:sn:0:2', 2247483650, 2),
            thumb_url: imgUrl1,
            need_open_comment: 0,
            only_fans_can_comment: 0,
          },
        ],
        create_time: 1718050000,
        update_time: 1718060000,
      },
      update_time: 1718060000,
    },
    {
      // A 2016 article: no comment fields, and edited after the newer one (news is ordered by
      // creation, not update time).
      media_id: mediaId('default:news:1', 1, 'n'),
      content: {
        news_item: [
          {
            title: '公众号开通啦',
            author: '小编',
            digest: '欢迎关注',
            content: '<p><br  /></p><p>欢迎关注我们的公众号！</p>',
            content_source_url: '',
            thumb_media_id: img(3),
            show_cover_pic: 0,
            url: articleUrl('default:sn:1:1', 100000016, 1),
            thumb_url: images[3]?.url ?? '',
          },
        ],
        create_time: 1464848761,
        update_time: 1719000000,
      },
      update_time: 1719000000,
    },
  ];
  return {
    image: { front: [], base: images },
    video: { front: [], base: videos },
    voice: { front: [], base: voices },
    news: { front: [], base: news },
  };
}

function emptyLibrary(): Library {
  return {
    image: { front: [], base: [] },
    video: { front: [], base: [] },
    voice: { front: [], base: [] },
    news: { front: [], base: [] },
  };
}

function shelfLength(shelf: Shelf): number {
  return shelf.front.length + shelf.base.length;
}

function isMaterialType(value: unknown): value is FakeMaterialType {
  return typeof value === 'string' && (MATERIAL_TYPES as readonly string[]).includes(value);
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // not JSON: the caller answers 47001
  }
  return undefined;
}

/** WeChat's rid: `<unix time hex>-<8 hex>-<8 hex>`. */
function makeRid(): string {
  const time = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  const rest = randomBytes(8).toString('hex');
  return `${time}-${rest.slice(0, 8)}-${rest.slice(8)}`;
}

function errorAnswer(errcode: number, errmsg?: string): Answer {
  const text = errmsg ?? ERRMSG[errcode] ?? 'unknown error';
  return {
    status: 200,
    contentType: JSON_TYPE,
    body: JSON.stringify({ errcode, errmsg: `${text} rid: ${makeRid()}` }),
  };
}

function jsonAnswer(value: unknown): Answer {
  return { status: 200, contentType: JSON_TYPE, body: JSON.stringify(value) };
}

/**
 * Material answers as WeChat serves them: text/plain and `/` escaped as `\/`. JSON.stringify
 * only emits `/` inside strings, where `\/` is a valid escape, so the body stays valid JSON.
 */
function materialAnswer(value: unknown): Answer {
  return {
    status: 200,
    contentType: MATERIAL_TYPE,
    body: JSON.stringify(value).replace(/\//g, '\\/'),
  };
}

function mintTokenString(): string {
  // Real tokens are ~130-160 chars of [A-Za-z0-9_-] with a short numeric prefix.
  return `86_${randomBytes(96).toString('base64url')}`;
}

function noop(): void {}

function checkNonNegative(name: string, value: number | undefined, positive = false): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new RangeError(
      `FakeWechatServer: ${name} must be a ${positive ? 'positive' : 'non-negative'} number`,
    );
  }
}

/**
 * A real HTTP server on 127.0.0.1 that behaves like the WeChat API for the material endpoints,
 * the two token endpoints and quota/get, with injectable faults. Zero dependencies.
 */
export class FakeWechatServer {
  private readonly accounts: Map<string, string>;
  private readonly latencyMs: number;
  private readonly tokenTtlMs: number;
  private readonly dailyLimits: Map<string, number>;
  private readonly tokenless: boolean;
  private readonly port: number;

  private server: Server | undefined;
  private baseUrl: string | undefined;
  private starting: Promise<{ baseUrl: string }> | undefined;
  private stopping: Promise<void> | undefined;

  private library: Library = defaultLibrary();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly classicCurrent = new Map<string, string>();
  private readonly stableCurrent = new Map<string, string>();

  private tokenRequestCount = 0;
  private readonly tokenRequestsByApp = new Map<string, number>();
  private readonly requestCounts = new Map<string, number>();
  private readonly quotaUsed = new Map<string, number>();
  private readonly lastBodies = new Map<string, string>();

  private readonly queuedFaults = new Map<string, { fault: FakeFault; remaining: number }[]>();
  private readonly ratioFaults = new Map<string, { rules: RatioRule[]; rand: () => number }>();

  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly held = new Set<ServerResponse>();

  /** @param opts see {@link FakeWechatServerOptions}; bad values throw a RangeError. */
  constructor(opts: FakeWechatServerOptions = {}) {
    checkNonNegative('latencyMs', opts.latencyMs);
    checkNonNegative('tokenTtlSeconds', opts.tokenTtlSeconds, true);
    const port = opts.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError('FakeWechatServer: port must be an integer 0..65535');
    }
    const limits = { ...DEFAULT_DAILY_LIMITS, ...opts.dailyLimits };
    for (const [path, limit] of Object.entries(limits)) {
      if (!Number.isInteger(limit) || limit < 0) {
        throw new RangeError(`FakeWechatServer: dailyLimits['${path}'] must be an integer >= 0`);
      }
    }
    this.accounts = new Map(Object.entries(opts.accounts ?? DEFAULT_ACCOUNTS));
    this.latencyMs = opts.latencyMs ?? 0;
    this.tokenTtlMs = (opts.tokenTtlSeconds ?? 7200) * 1000;
    this.dailyLimits = new Map(Object.entries(limits));
    this.tokenless = opts.tokenless ?? false;
    this.port = port;
  }

  /** Token + stable_token requests so far, whatever their outcome. */
  get tokenRequests(): number {
    return this.tokenRequestCount;
  }

  /** Token + stable_token requests that named this appid (extra, beyond API.md). */
  tokenRequestsFor(appId: string): number {
    return this.tokenRequestsByApp.get(appId) ?? 0;
  }

  /** Requests so far by pathname (faulted ones included); a snapshot. */
  get requests(): Record<string, number> {
    return Object.fromEntries(this.requestCounts);
  }

  /** Listens on 127.0.0.1; calling it again while running returns the same address. */
  async start(): Promise<{ baseUrl: string }> {
    if (this.stopping) await this.stopping;
    if (this.server && this.baseUrl) return { baseUrl: this.baseUrl };
    if (this.starting) return this.starting;
    const server = createServer((req, res) => this.onRequest(req, res));
    this.starting = new Promise<{ baseUrl: string }>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        // A late server error must never crash the test process.
        server.on('error', noop);
        const address = server.address() as AddressInfo;
        this.server = server;
        this.baseUrl = `http://127.0.0.1:${address.port}`;
        resolve({ baseUrl: this.baseUrl });
      });
    });
    try {
      return await this.starting;
    } finally {
      this.starting = undefined;
    }
  }

  /**
   * Closes the server, destroys open sockets, releases held 'timeout' requests and clears
   * latency timers. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.starting) await this.starting.catch(noop);
    if (this.stopping) return this.stopping;
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.baseUrl = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const res of this.held) res.destroy();
    this.held.clear();
    this.stopping = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    try {
      await this.stopping;
    } finally {
      this.stopping = undefined;
    }
  }

  /** Replaces the library; types left out become empty. Index 0 of each list is the newest. */
  seed(items: {
    image?: readonly object[];
    video?: readonly object[];
    voice?: readonly object[];
    news?: readonly object[];
  }): void {
    const library = emptyLibrary();
    for (const type of MATERIAL_TYPES) {
      const list = items[type];
      if (list) library[type].base = [...list];
    }
    this.library = library;
  }

  /**
   * Replaces the library with `counts` deterministic items per type (types left out become
   * empty). Items are built when asked for, so 50,000 cost nothing up front.
   */
  seedGenerated(counts: { image?: number; video?: number; voice?: number; news?: number }): void {
    const library = emptyLibrary();
    for (const type of MATERIAL_TYPES) {
      const count = counts[type] ?? 0;
      if (!Number.isInteger(count) || count < 0) {
        throw new RangeError(`FakeWechatServer: seedGenerated ${type} must be an integer >= 0`);
      }
      library[type].base = new GeneratedShelf(type, count);
    }
    this.library = library;
  }

  /**
   * Inserts an item as the newest of its type, so later offsets shift by one as on WeChat.
   * A missing `media_id` or `update_time` is filled in.
   */
  addMaterial(type: FakeMaterialType, item: object): void {
    if (!isMaterialType(type))
      throw new RangeError(`FakeWechatServer: unknown type ${String(type)}`);
    this.library[type].front.unshift({
      media_id: randomBytes(33).toString('base64url').slice(0, 43),
      update_time: Math.floor(Date.now() / 1000),
      ...item,
    });
  }

  /**
   * Answers the next `times` requests to `path` (a pathname) with `fault`, after counting
   * them. Queued faults are used in the order given.
   */
  failNext(path: string, fault: FakeFault, times = 1): void {
    if (!Number.isInteger(times) || times < 0) {
      throw new RangeError('FakeWechatServer: times must be an integer >= 0');
    }
    if (times === 0) return;
    const queue = this.queuedFaults.get(path) ?? [];
    queue.push({ fault, remaining: times });
    this.queuedFaults.set(path, queue);
  }

  /**
   * Answers about `ratio` (0..1) of the requests to `path` with `fault`. Rules for one path add
   * up (1 % of -1 plus 1 % of html502 faults 2 %). The draws come from a PRNG seeded by the
   * path, so the same request sequence faults the same requests on every run.
   */
  failRatio(path: string, ratio: number, fault: FakeFault): void {
    if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
      throw new RangeError('FakeWechatServer: ratio must be between 0 and 1');
    }
    const entry = this.ratioFaults.get(path) ?? { rules: [], rand: prng(hash(path)) };
    entry.rules.push({ ratio, fault });
    this.ratioFaults.set(path, entry);
  }

  /** Drops every queued and ratio fault. */
  clearFaults(): void {
    this.queuedFaults.clear();
    this.ratioFaults.clear();
  }

  /** Mints a valid token for `appId` (default: the first account), e.g. an authorizer token. */
  issueToken(appId?: string): string {
    const id = appId ?? this.accounts.keys().next().value;
    if (id === undefined)
      throw new Error('FakeWechatServer: issueToken needs an appId (no accounts)');
    return this.mint(id, Date.now());
  }

  /** Every token minted so far answers 40001 from now on; new fetches work. */
  expireToken(): void {
    this.tokens.clear();
    this.classicCurrent.clear();
    this.stableCurrent.clear();
  }

  /** Zeroes `tokenRequests`, `requests` and the quota used per path (a new "day"). */
  resetCounters(): void {
    this.tokenRequestCount = 0;
    this.tokenRequestsByApp.clear();
    this.requestCounts.clear();
    this.quotaUsed.clear();
  }

  /** The raw body of the last request to `path`, for assertions on what a client sent. */
  lastBody(path: string): string | undefined {
    return this.lastBodies.get(path);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    req.on('error', noop);
    res.on('error', noop);
    try {
      const rawUrl = req.url ?? '/';
      const q = rawUrl.indexOf('?');
      const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
      const query = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
      this.requestCounts.set(path, (this.requestCounts.get(path) ?? 0) + 1);
      if (path === TOKEN_PATH || path === STABLE_TOKEN_PATH) this.tokenRequestCount++;
      // Decided on arrival, so queued faults hit requests in the order they came in.
      const fault = this.takeFault(path);
      this.readBody(req, res, (body) => {
        try {
          this.lastBodies.set(path, body);
          if (path === TOKEN_PATH || path === STABLE_TOKEN_PATH) {
            const appId = path === TOKEN_PATH ? query.get('appid') : appIdOfJson(body);
            if (appId) this.tokenRequestsByApp.set(appId, this.tokenRequestsFor(appId) + 1);
          }
          if (fault !== undefined) {
            this.applyFault(req, res, path, fault);
            return;
          }
          const answer = this.route(req.method ?? 'GET', path, query, body);
          this.later(() => this.send(res, answer));
        } catch {
          this.send(res, errorAnswer(-1));
        }
      });
    } catch {
      this.send(res, errorAnswer(-1));
    }
  }

  private readBody(req: IncomingMessage, res: ServerResponse, done: (body: string) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Like nginx's client_max_body_size: answer and close rather than buffer without bound.
        tooLarge = true;
        chunks.length = 0;
        this.send(res, { status: 413, contentType: 'text/html', body: NGINX_413, close: true });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooLarge) done(Buffer.concat(chunks).toString('utf8'));
    });
  }

  private takeFault(path: string): FakeFault | undefined {
    const queue = this.queuedFaults.get(path);
    const head = queue?.[0];
    if (queue && head) {
      head.remaining--;
      if (head.remaining <= 0) queue.shift();
      if (queue.length === 0) this.queuedFaults.delete(path);
      return head.fault;
    }
    const ratio = this.ratioFaults.get(path);
    if (ratio) {
      // One draw per request, walked through the rules: each gets exactly its share.
      const draw = ratio.rand();
      let edge = 0;
      for (const rule of ratio.rules) {
        edge += rule.ratio;
        if (draw < edge) return rule.fault;
      }
    }
    return undefined;
  }

  private applyFault(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    fault: FakeFault,
  ): void {
    if (fault === 'timeout') {
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return;
    }
    this.later(() => {
      if (typeof fault === 'object') {
        this.send(res, errorAnswer(fault.errcode, fault.errmsg));
        return;
      }
      switch (fault) {
        case 'reset':
          // RST, so clients see ECONNRESET rather than a clean close.
          req.socket.resetAndDestroy();
          return;
        case 'html502':
          this.send(res, { status: 502, contentType: 'text/html', body: NGINX_502 });
          return;
        case 'html504':
          this.send(res, { status: 504, contentType: 'text/html', body: NGINX_504 });
          return;
        case 'not_json':
          this.send(res, { status: 200, contentType: 'text/html; charset=utf-8', body: HTML_PAGE });
          return;
        case 'truncated_json': {
          // Content-Length matches the cut body: a complete HTTP answer whose JSON is broken.
          const whole = this.sampleBody(path);
          this.send(res, {
            status: 200,
            contentType: JSON_TYPE,
            body: whole.slice(0, Math.floor(whole.length / 2)),
          });
          return;
        }
        case 'empty':
          this.send(res, { status: 200, contentType: JSON_TYPE, body: '' });
          return;
        default:
          this.send(res, errorAnswer(-1));
      }
    });
  }

  /** What a normal answer on `path` looks like, without the side effects of producing it. */
  private sampleBody(path: string): string {
    if (path === TOKEN_PATH || path === STABLE_TOKEN_PATH) {
      return JSON.stringify({ access_token: mintTokenString(), expires_in: 7200 });
    }
    const item = defaultLibrary().image.base.at(0);
    return materialAnswer({ item: [item], total_count: 1, item_count: 1 }).body;
  }

  private later(fn: () => void): void {
    if (this.latencyMs <= 0) {
      fn();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, this.latencyMs);
    timer.unref();
    this.timers.add(timer);
  }

  private send(res: ServerResponse, answer: Answer): void {
    if (res.destroyed || res.headersSent || res.writableEnded) return;
    const body = Buffer.from(answer.body, 'utf8');
    res.writeHead(answer.status, {
      'Content-Type': answer.contentType,
      'Content-Length': body.length,
      ...(answer.close ? { Connection: 'close' } : {}),
    });
    res.end(body);
  }

  private route(method: string, path: string, query: URLSearchParams, body: string): Answer {
    switch (path) {
      case TOKEN_PATH:
        return this.classicToken(query);
      case STABLE_TOKEN_PATH:
        return this.stableToken(method, query, body);
      case BATCHGET_PATH:
        return this.business(path, query, method !== 'POST' ? 43002 : 0, () => this.batchGet(body));
      case COUNT_PATH:
        return this.business(path, query, 0, () => this.materialCount());
      case QUOTA_PATH:
        return this.business(path, query, method !== 'POST' ? 43002 : 0, () => this.quota(body));
      default:
        // api.weixin.qq.com's gateway has no JSON for paths it does not know.
        return { status: 404, contentType: 'text/plain', body: 'Not Found' };
    }
  }

  private checkCredentials(appId: unknown, secret: unknown): number {
    if (typeof appId !== 'string' || appId === '') return 41002;
    const expected = this.accounts.get(appId);
    if (expected === undefined) return 40013;
    if (typeof secret !== 'string' || secret === '') return 41004;
    return secret === expected ? 0 : 40125;
  }

  private classicToken(query: URLSearchParams): Answer {
    if (query.get('grant_type') !== 'client_credential') return errorAnswer(40002);
    const appId = query.get('appid');
    const errcode = this.checkCredentials(appId, query.get('secret'));
    if (errcode !== 0 || appId === null) return errorAnswer(errcode || 41002);
    const now = Date.now();
    // Each classic fetch mints a new token; the previous one lives on for 5 minutes.
    const previous = this.tokens.get(this.classicCurrent.get(appId) ?? '');
    if (previous) previous.revokedAt = Math.min(previous.revokedAt, now + CLASSIC_OVERLAP_MS);
    const token = this.mint(appId, now);
    this.classicCurrent.set(appId, token);
    return jsonAnswer({ access_token: token, expires_in: Math.round(this.tokenTtlMs / 1000) });
  }

  private stableToken(method: string, query: URLSearchParams, body: string): Answer {
    if (method !== 'POST') return errorAnswer(43002);
    // WeChat reads appid from the JSON body only; one in the query means the body lacks it.
    if (query.has('appid')) return errorAnswer(41002);
    // A missing body is a data format error here (not 44002), as WeChat answers stable_token.
    const json = parseJsonObject(body);
    if (!json) return errorAnswer(47001);
    if (json.grant_type !== 'client_credential') return errorAnswer(40002);
    const errcode = this.checkCredentials(json.appid, json.secret);
    if (errcode !== 0 || typeof json.appid !== 'string') return errorAnswer(errcode || 41002);
    const appId = json.appid;
    const now = Date.now();
    const current = this.stableCurrent.get(appId);
    const record = current === undefined ? undefined : this.tokens.get(current);
    if (json.force_refresh === true) {
      // Simplification: the forced-out token dies at once (WeChat may keep it a little
      // longer); clients must cope with either.
      if (record) record.revokedAt = now;
    } else if (
      current !== undefined &&
      record &&
      now < record.revokedAt &&
      record.expiresAt - now >= 1000
    ) {
      // Same token while valid; expires_in is what is left of it.
      return jsonAnswer({
        access_token: current,
        expires_in: Math.floor((record.expiresAt - now) / 1000),
      });
    }
    const token = this.mint(appId, now);
    this.stableCurrent.set(appId, token);
    return jsonAnswer({ access_token: token, expires_in: Math.round(this.tokenTtlMs / 1000) });
  }

  private mint(appId: string, now: number): string {
    if (this.tokens.size > 256) {
      // Keep memory flat over long runs: dead tokens answer 40001 whether kept or not, and
      // long-expired ones may fall from 42001 to 40001.
      for (const [token, record] of this.tokens) {
        if (record.revokedAt <= now || record.expiresAt + 3600_000 <= now)
          this.tokens.delete(token);
      }
    }
    const token = mintTokenString();
    this.tokens.set(token, {
      appId,
      expiresAt: now + this.tokenTtlMs,
      revokedAt: Number.POSITIVE_INFINITY,
    });
    return token;
  }

  /** 0, or the errcode WeChat gives the token of a business call. */
  private tokenErrcode(query: URLSearchParams): number {
    if (this.tokenless) return 0;
    const token = query.get('access_token');
    if (!token) return 41001;
    const record = this.tokens.get(token);
    const now = Date.now();
    if (!record || now >= record.revokedAt) return 40001;
    if (now >= record.expiresAt) return 42001;
    return 0;
  }

  /** Checks order: access_token, HTTP method, daily quota, then the handler's own checks. */
  private business(
    path: string,
    query: URLSearchParams,
    methodErrcode: number,
    handle: () => Answer,
  ): Answer {
    const tokenErr = this.tokenErrcode(query);
    if (tokenErr !== 0) return errorAnswer(tokenErr);
    if (methodErrcode !== 0) return errorAnswer(methodErrcode);
    const limit = this.dailyLimits.get(path);
    if (limit !== undefined) {
      const used = this.quotaUsed.get(path) ?? 0;
      if (used >= limit) return errorAnswer(45009);
      this.quotaUsed.set(path, used + 1);
    }
    return handle();
  }

  private batchGet(body: string): Answer {
    if (body.trim() === '') return errorAnswer(44002);
    const json = parseJsonObject(body);
    if (!json) return errorAnswer(47001);
    // Type first (40004), then the ranges: WeChat answers 47001 for an offset that is not an
    // integer >= 0 or a count outside 1..20, numeric strings included.
    if (!isMaterialType(json.type)) return errorAnswer(40004);
    const { offset, count } = json;
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
      return errorAnswer(47001);
    }
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 20) {
      return errorAnswer(47001);
    }
    const shelf = this.library[json.type];
    const total = shelfLength(shelf);
    const item: object[] = [];
    for (let i = offset; i < Math.min(offset + count, total); i++) {
      const found = i < shelf.front.length ? shelf.front[i] : shelf.base.at(i - shelf.front.length);
      if (found) item.push(found);
    }
    return materialAnswer({ item, total_count: total, item_count: item.length });
  }

  private materialCount(): Answer {
    return materialAnswer({
      voice_count: shelfLength(this.library.voice),
      video_count: shelfLength(this.library.video),
      image_count: shelfLength(this.library.image),
      news_count: shelfLength(this.library.news),
    });
  }

  private quota(body: string): Answer {
    if (body.trim() === '') return errorAnswer(44002);
    const json = parseJsonObject(body);
    if (!json || typeof json.cgi_path !== 'string') return errorAnswer(47001);
    const limit = this.dailyLimits.get(json.cgi_path);
    if (limit === undefined) return errorAnswer(76021);
    const used = this.quotaUsed.get(json.cgi_path) ?? 0;
    return jsonAnswer({
      errcode: 0,
      errmsg: 'ok',
      quota: { daily_limit: limit, used, remain: limit - used },
    });
  }
}

/** `appid` of a stable_token JSON body, if there is one. */
function appIdOfJson(body: string): string | undefined {
  try {
    const json: unknown = JSON.parse(body);
    if (json && typeof json === 'object' && 'appid' in json) {
      const appid = (json as { appid?: unknown }).appid;
      return typeof appid === 'string' ? appid : undefined;
    }
  } catch {
    // not JSON: the route answers 47001
  }
  return undefined;
}
