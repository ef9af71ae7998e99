import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { filenameFromContentDisposition as parse } from '../../../lib/http/content-disposition.js';

/** What Node hands over for raw header bytes: one latin1 char per byte. */
const asWire = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

describe('filenameFromContentDisposition', () => {
  it.each<[string, unknown, string | undefined]>([
    [
      'WeChat: raw UTF-8 bytes in filename="…"',
      `attachment; filename="${asWire('春节 海报.jpg')}"`,
      '春节 海报.jpg',
    ],
    ['ASCII quoted', 'attachment; filename="MEDIA_ID.jpg"', 'MEDIA_ID.jpg'],
    ['ASCII token', 'attachment; filename=a.png', 'a.png'],
    ['case-insensitive parameter name', 'attachment; FILENAME="a.png"', 'a.png'],
    ['escaped quote inside', 'attachment; filename="a\\"b.png"', 'a"b.png'],
    [
      "filename*=UTF-8'' wins over filename",
      `attachment; filename="x.png"; filename*=UTF-8''%E4%B8%AD%E6%96%87.png`,
      '中文.png',
    ],
    [
      'filename* first, then filename',
      `attachment; filename*=utf-8''%E4%B8%AD.png; filename="x.png"`,
      '中.png',
    ],
    ["ISO-8859-1'' extended", `attachment; filename*=ISO-8859-1''caf%E9.png`, 'café.png'],
    [
      'a broken extended value falls back to filename',
      `attachment; filename*=UTF-8''%E4%B8; filename="x.png"`,
      'x.png',
    ],
    [
      'bytes that are not UTF-8 stay latin1',
      'attachment; filename="caf\u00e9.png"',
      'caf\u00e9.png',
    ],
    ['directories dropped (/ and \\)', 'attachment; filename="..\\\\..\\\\a/b/c.png"', 'c.png'],
    ['no filename', 'attachment', undefined],
    ['empty filename', 'attachment; filename=""', undefined],
    ['missing header', undefined, undefined],
    [
      'an array (first wins)',
      ['attachment; filename="a.png"', 'attachment; filename="b.png"'],
      'a.png',
    ],
  ])('%s', (_label, header, expected) => {
    expect(parse(header)).toBe(expected);
  });

  it('any UTF-8 name sent as raw bytes comes back intact (property)', () => {
    const name = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
      // Quotes, backslashes, slashes and control characters are not what this property is about.
      .filter(
        (s) => ![...s].some((c) => '"\\/'.includes(c) || c.charCodeAt(0) < 0x20 || c === '\u007f'),
      )
      .filter((s) => s.trim() === s);
    fc.assert(
      fc.property(name, (n) => {
        expect(parse(`attachment; filename="${asWire(n)}"`)).toBe(n);
      }),
      { numRuns: 300, seed: 14 },
    );
  });
});
