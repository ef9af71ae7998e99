/** Deterministic fake data: ids, URLs and bytes that look like WeChat's and never change. */

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

/** mulberry32: tiny, fast, good enough for reproducible fault draws and fake data. */
export function prng(seed: number): () => number {
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
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function chars(rand: () => number, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(rand() * alphabet.length)];
  return out;
}

/**
 * A 43-character media_id like WeChat's. The last 8 characters spell `serial` in base64url so
 * ids of one shelf never collide (a 32-bit seed alone would, among 50,000 items).
 */
export function mediaId(seed: string, serial: number, kind: string): string {
  let tail = '';
  let n = serial;
  for (let i = 0; i < 8; i++) {
    tail = B64URL[n % 64] + tail;
    n = Math.floor(n / 64);
  }
  return chars(prng(hash(seed)), B64URL, 34) + kind + tail;
}

/** The serial spelled by the last 8 characters of a {@link mediaId}, or -1. */
export function serialOf(id: string): number {
  if (id.length !== 43) return -1;
  let n = 0;
  for (const c of id.slice(35)) {
    const digit = B64URL.indexOf(c);
    if (digit < 0) return -1;
    n = n * 64 + digit;
  }
  return n;
}

export function picUrl(seed: string, format: 'png' | 'jpeg'): string {
  const dir = format === 'png' ? 'mmbiz_png' : 'mmbiz_jpg';
  return `http://mmbiz.qpic.cn/${dir}/${chars(prng(hash(seed)), ALNUM, 86)}/0?wx_fmt=${format}`;
}

export function articleUrl(seed: string, mid: number, idx: number): string {
  const sn = chars(prng(hash(seed)), HEX, 32);
  return `http://mp.weixin.qq.com/s?__biz=MzA5NjYxMjM0NQ==&mid=${mid}&idx=${idx}&sn=${sn}#rd`;
}

/** `size` bytes drawn from a PRNG seeded by `seed`: the same seed gives the same file. */
export function fakeBytes(seed: string, size: number): Buffer {
  const rand = prng(hash(seed));
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 4) {
    const word = Math.floor(rand() * 4294967296);
    for (let j = 0; j < 4 && i + j < size; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
  }
  return out;
}
