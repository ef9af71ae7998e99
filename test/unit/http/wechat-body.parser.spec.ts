import { describe, expect, it } from '@jest/globals';
import { errcodeOf, parseWechatBody } from '../../../lib/http/wechat-body.parser.js';

describe('parseWechatBody (tolerant JSON)', () => {
  it('reads `\\/` escapes as plain slashes', () => {
    expect(parseWechatBody('{"url":"http:\\/\\/mmbiz.qpic.cn\\/a\\/0?wx_fmt=png"}')).toEqual({
      url: 'http://mmbiz.qpic.cn/a/0?wx_fmt=png',
    });
  });

  it('skips a UTF-8 BOM', () => {
    expect(parseWechatBody('\uFEFF{"voice_count":1}')).toEqual({ voice_count: 1 });
  });

  it('repairs raw control characters inside strings and keeps them as characters', () => {
    const raw = '{"name":"第一行\n第二行\tTab\u0001","digest":"a\r\nb"}';
    expect(() => JSON.parse(raw)).toThrow();
    expect(parseWechatBody(raw)).toEqual({ name: '第一行\n第二行\tTab\u0001', digest: 'a\r\nb' });
  });

  it('keeps escaped quotes and backslashes intact while repairing', () => {
    const raw = '{"content":"<p class=\\"x\\">\n\\\\ path</p>","n":1}';
    expect(parseWechatBody(raw)).toEqual({ content: '<p class="x">\n\\ path</p>', n: 1 });
  });

  it('leaves whitespace between tokens alone (pretty-printed bodies)', () => {
    expect(parseWechatBody('{\n\t"errcode": 40001,\r\n\t"errmsg": "x"\n}\n')).toEqual({
      errcode: 40001,
      errmsg: 'x',
    });
  });

  it.each([
    ['empty', ''],
    ['whitespace', '  \n'],
    ['HTML', '<html><body>502 Bad Gateway</body></html>'],
    ['truncated', '{"item":[{"media_id":"abc","na'],
    ['array', '[1,2]'],
    ['null', 'null'],
    ['number', '42'],
    ['broken after repair', '{"a":"x\n"'],
  ])('returns undefined for %s', (_label, raw) => {
    expect(parseWechatBody(raw)).toBeUndefined();
  });
});

describe('errcodeOf', () => {
  it.each([
    [{}, 0],
    [{ errcode: 0, errmsg: 'ok' }, 0],
    [{ errcode: null }, 0],
    [{ errcode: -1 }, -1],
    [{ errcode: 40007 }, 40007],
    [{ errcode: '45009' }, 45009],
    [{ errcode: 'nope' }, 0],
  ])('%j -> %d', (body, code) => {
    expect(errcodeOf(body as Record<string, unknown>)).toBe(code);
  });
});
