import { describe, expect, it } from '@jest/globals';
import { BadRequestException, ValidationPipe } from '@nestjs/common';
import {
  AddDraftDto,
  BatchGetDraftsDto,
  BatchGetPublishedDto,
  NewsDraftArticleDto,
  NewspicDraftArticleDto,
  UpdateDraftDto,
} from '../../../lib/index.js';

/** What a user's controller sees: the DTO behind ValidationPipe. */
async function pipe(
  metatype: new () => object,
  value: unknown,
  opts: ConstructorParameters<typeof ValidationPipe>[0] = {},
  type: 'body' | 'query' = 'body',
): Promise<{ ok: unknown } | { messages: string[] }> {
  const p = new ValidationPipe({ transform: true, ...opts });
  try {
    return { ok: await p.transform(value, { type, metatype }) };
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestException);
    const res = (err as BadRequestException).getResponse() as { message: string[] };
    return { messages: res.message };
  }
}

const NEWS = { title: 'Hello', content: '<p>hi</p>', thumb_media_id: 'THUMB_1' };
const PIC = {
  article_type: 'newspic',
  title: 'Pictures',
  content: 'plain text',
  image_info: { image_list: [{ image_media_id: 'IMG_1' }] },
};
const images = (n: number) => Array.from({ length: n }, (_, i) => ({ image_media_id: `IMG_${i}` }));

describe('AddDraftDto behind ValidationPipe', () => {
  it('accepts a news article without article_type and validates it as NewsDraftArticleDto', async () => {
    const r = await pipe(AddDraftDto, { articles: [NEWS] });
    expect(r).toHaveProperty('ok');
    const dto = (r as { ok: AddDraftDto }).ok;
    expect(dto.articles[0]).toBeInstanceOf(NewsDraftArticleDto);
    // Nothing is added: no article_type appears.
    expect(dto.articles[0]).not.toHaveProperty('article_type', 'news');
    expect(JSON.parse(JSON.stringify(dto))).toEqual({ articles: [NEWS] });
  });

  it('picks NewspicDraftArticleDto by article_type and keeps the discriminator', async () => {
    const r = (await pipe(AddDraftDto, { articles: [PIC, { ...NEWS, article_type: 'news' }] })) as {
      ok: AddDraftDto;
    };
    expect(r.ok.articles[0]).toBeInstanceOf(NewspicDraftArticleDto);
    expect(r.ok.articles[1]).toBeInstanceOf(NewsDraftArticleDto);
    expect(r.ok.articles[0]!.article_type).toBe('newspic');
    expect(r.ok.articles[1]!.article_type).toBe('news');
  });

  it('whitelist keeps every documented field, cover_info and product_info included', async () => {
    const pic = {
      ...PIC,
      need_open_comment: 1,
      only_fans_can_comment: 0,
      cover_info: { crop_percent_list: [{ ratio: '1_1', x1: '0', y1: '0', x2: '1', y2: '1' }] },
      product_info: { footer_product_info: { product_key: 'K' } },
    };
    const news = {
      ...NEWS,
      author: 'A',
      digest: 'D',
      content_source_url: 'https://example.com',
      need_open_comment: 0,
      only_fans_can_comment: 1,
      pic_crop_235_1: '0.1945_0_1_0.5236',
      pic_crop_1_1: '0_0.1_1.0_1',
    };
    const r = (await pipe(
      AddDraftDto,
      { articles: [pic, news] },
      { whitelist: true, forbidNonWhitelisted: true },
    )) as { ok: unknown };
    expect(JSON.parse(JSON.stringify(r.ok))).toEqual({ articles: [pic, news] });
  });

  it('whitelist strips undocumented fields (the README says so)', async () => {
    const r = (await pipe(
      AddDraftDto,
      { articles: [{ ...NEWS, future_field: 1 }] },
      { whitelist: true },
    )) as {
      ok: unknown;
    };
    expect(JSON.parse(JSON.stringify(r.ok))).toEqual({ articles: [NEWS] });
  });

  const rows: [string, unknown, string[]][] = [
    [
      'no articles',
      {},
      [
        'articles must contain no more than 8 elements',
        'articles must contain at least 1 elements',
        'articles must be an array',
      ],
    ],
    ['0 articles', { articles: [] }, ['articles must contain at least 1 elements']],
    [
      '9 articles',
      { articles: Array(9).fill(NEWS) },
      ['articles must contain no more than 8 elements'],
    ],
    [
      'a title that is a number',
      { articles: [{ ...NEWS, title: 5 }] },
      ['articles.0.title must be a string'],
    ],
    [
      'no content',
      { articles: [NEWS, { title: 't', thumb_media_id: 'x' }] },
      ['articles.1.content must be a string'],
    ],
    [
      'news without thumb_media_id',
      { articles: [{ title: 't', content: 'c' }] },
      [
        'articles.0.thumb_media_id should not be empty',
        'articles.0.thumb_media_id must be a string',
      ],
    ],
    [
      'unknown article_type',
      { articles: [{ ...NEWS, article_type: 'video' }] },
      ["articles.0.article_type must be 'news' (or absent) or 'newspic'"],
    ],
    [
      'article_type null',
      { articles: [{ ...NEWS, article_type: null }] },
      ["articles.0.article_type must be 'news' (or absent) or 'newspic'"],
    ],
    [
      'flag 2',
      { articles: [{ ...NEWS, need_open_comment: 2 }] },
      ['articles.0.need_open_comment must be one of the following values: 0, 1'],
    ],
    [
      "flag '1'",
      { articles: [{ ...NEWS, only_fans_can_comment: '1' }] },
      ['articles.0.only_fans_can_comment must be one of the following values: 0, 1'],
    ],
    [
      'crop 1.5',
      { articles: [{ ...NEWS, pic_crop_235_1: '0_0_1.5_1' }] },
      ['articles.0.pic_crop_235_1 must be X1_Y1_X2_Y2: four decimals from 0 to 1 joined by _'],
    ],
    [
      'crop with 3 numbers',
      { articles: [{ ...NEWS, pic_crop_1_1: '0_0_1' }] },
      ['articles.0.pic_crop_1_1 must be X1_Y1_X2_Y2: four decimals from 0 to 1 joined by _'],
    ],
    [
      'crop negative',
      { articles: [{ ...NEWS, pic_crop_1_1: '-0.1_0_1_1' }] },
      ['articles.0.pic_crop_1_1 must be X1_Y1_X2_Y2: four decimals from 0 to 1 joined by _'],
    ],
    [
      'newspic without image_info',
      { articles: [{ ...PIC, image_info: undefined }] },
      ['articles.0.image_info must be an object'],
    ],
    [
      'newspic with 0 images',
      { articles: [{ ...PIC, image_info: { image_list: [] } }] },
      ['articles.0.image_info.image_list must contain at least 1 elements'],
    ],
    [
      'newspic with 21 images',
      { articles: [{ ...PIC, image_info: { image_list: images(21) } }] },
      ['articles.0.image_info.image_list must contain no more than 20 elements'],
    ],
    [
      'an empty image_media_id',
      { articles: [{ ...PIC, image_info: { image_list: [{ image_media_id: '' }] } }] },
      ['articles.0.image_info.image_list.0.image_media_id should not be empty'],
    ],
    [
      'a null article',
      { articles: [null] },
      ['articles.each value in nested property articles must be either object or array'],
    ],
    [
      'a string article',
      { articles: [NEWS, 'x'] },
      ['articles.each value in nested property articles must be either object or array'],
    ],
  ];

  it.each(rows)('%s → 400 with ValidationPipe messages', async (_label, body, messages) => {
    expect(await pipe(AddDraftDto, body)).toEqual({ messages });
  });

  it('accepts 8 articles, 20 images and crop strings at the bounds', async () => {
    const pic = { ...PIC, image_info: { image_list: images(20) } };
    const edge = { ...NEWS, pic_crop_235_1: '0_0_1_1', pic_crop_1_1: '0.0_0.999_1.000_0.5' };
    const r = await pipe(AddDraftDto, { articles: [pic, edge, ...Array(6).fill(NEWS)] });
    expect(r).toHaveProperty('ok');
  });
});

describe('UpdateDraftDto', () => {
  it('takes ONE article object in `articles`', async () => {
    expect(await pipe(UpdateDraftDto, { media_id: 'M', index: 0, articles: PIC })).toHaveProperty(
      'ok',
    );
    expect(await pipe(UpdateDraftDto, { media_id: 'M', index: 0, articles: [NEWS] })).toEqual({
      messages: ['articles must be an object'],
    });
  });

  it('checks media_id, index and the article', async () => {
    expect(
      await pipe(UpdateDraftDto, { media_id: '', index: -1, articles: { ...NEWS, title: 1 } }),
    ).toEqual({
      messages: [
        'media_id should not be empty',
        'index must not be less than 0',
        'articles.title must be a string',
      ],
    });
    expect(await pipe(UpdateDraftDto, { media_id: 'M', index: 0.5, articles: null })).toEqual({
      messages: [
        'index must be an integer number',
        'articles must be an object',
        'nested property articles must be either object or array',
      ],
    });
  });
});

describe.each([
  ['BatchGetDraftsDto', BatchGetDraftsDto],
  ['BatchGetPublishedDto', BatchGetPublishedDto],
])('%s on a query string', (_name, dto) => {
  it('converts numbers and accepts no_content 0/1 or none', async () => {
    expect(await pipe(dto, { offset: '0', count: '20', no_content: '1' }, {}, 'query')).toEqual({
      ok: expect.objectContaining({ offset: 0, count: 20, no_content: 1 }),
    });
    expect(await pipe(dto, { offset: '5', count: '1' }, {}, 'query')).toHaveProperty('ok');
  });

  it.each<[Record<string, string>, string[]]>([
    [{ offset: '-1', count: '20' }, ['offset must not be less than 0']],
    [{ offset: '0', count: '21' }, ['count must not be greater than 20']],
    [{ offset: '0', count: '0' }, ['count must not be less than 1']],
    [
      { offset: '0', count: '20', no_content: '2' },
      ['no_content must be one of the following values: 0, 1'],
    ],
    [
      { offset: 'x', count: '20' },
      [
        'offset must not be greater than 2147483647',
        'offset must not be less than 0',
        'offset must be an integer number',
      ],
    ],
  ])('%j → 400 %j', async (query, messages) => {
    expect(await pipe(dto, query, {}, 'query')).toEqual({ messages });
  });
});
