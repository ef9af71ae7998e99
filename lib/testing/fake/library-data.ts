import { ALNUM, articleUrl, chars, mediaId, picUrl, prng } from './generate.js';

export type FakeMaterialType = 'image' | 'video' | 'voice' | 'news';

export const MATERIAL_TYPES: readonly FakeMaterialType[] = ['image', 'video', 'voice', 'news'];

/** What a library shelf needs: arrays fit, and so do generated shelves. */
export interface ItemSource {
  readonly length: number;
  at(index: number): object | undefined;
}

export const KIND_CHAR: Readonly<Record<FakeMaterialType, string>> = {
  image: 'i',
  video: 'v',
  voice: 'o',
  news: 'n',
};

/** Items built on demand from their index: 50,000 of them cost nothing until asked for. */
export class GeneratedShelf implements ItemSource {
  constructor(
    readonly type: FakeMaterialType,
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
      case 'news':
        return generatedNews(id, n, time);
    }
  }
}

function generatedNews(id: string, n: number, time: number): object {
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

const img = (i: number): string => mediaId(`default:image:${i}`, i, 'i');

function defaultImages(): object[] {
  return [
    {
      media_id: img(0),
      name: '封面图.jpg',
      update_time: 1718090000,
      url: picUrl('default:pic:0', 'png'),
    },
    {
      media_id: img(1),
      name: 'CropImage',
      update_time: 1717990000,
      url: picUrl('default:pic:1', 'jpeg'),
    },
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
}

function defaultNews(images: readonly object[]): object[] {
  const urlOf = (i: number): string => (images[i] as { url?: string } | undefined)?.url ?? '';
  const summer = {
    title: '新品发布｜夏季系列上线',
    author: '品牌部',
    digest: '夏季系列今日上线，点击查看详情。',
    content:
      '<p>夏季系列今日上线。</p><p><img data-src="' +
      urlOf(0) +
      '" data-type="png" data-ratio="0.5625" /></p><p><a href="https://example.com/summer">了解更多</a></p>',
    content_source_url: 'https://example.com/summer',
    thumb_media_id: img(0),
    show_cover_pic: 1,
    url: articleUrl('default:sn:0:1', 2247483650, 1),
    thumb_url: urlOf(0),
    need_open_comment: 1,
    only_fans_can_comment: 0,
  };
  const stores = {
    title: '门店地址一览',
    author: '',
    digest: '',
    content: '<p>北京 · 上海 · 广州 · 深圳</p>',
    content_source_url: '',
    thumb_media_id: img(1),
    show_cover_pic: 0,
    url: articleUrl('default:sn:0:2', 2247483650, 2),
    thumb_url: urlOf(1),
    need_open_comment: 0,
    only_fans_can_comment: 0,
  };
  // A 2016 article: no comment fields, and edited after the newer one (news is ordered by
  // creation, not update time).
  const opening = {
    title: '公众号开通啦',
    author: '小编',
    digest: '欢迎关注',
    content: '<p><br  /></p><p>欢迎关注我们的公众号！</p>',
    content_source_url: '',
    thumb_media_id: img(3),
    show_cover_pic: 0,
    url: articleUrl('default:sn:1:1', 100000016, 1),
    thumb_url: urlOf(3),
  };
  return [
    {
      media_id: mediaId('default:news:0', 0, 'n'),
      content: { news_item: [summer, stores], create_time: 1718050000, update_time: 1718060000 },
      update_time: 1718060000,
    },
    {
      media_id: mediaId('default:news:1', 1, 'n'),
      content: { news_item: [opening], create_time: 1464848761, update_time: 1719000000 },
      update_time: 1719000000,
    },
  ];
}

/** The items a fresh fake serves: a little of everything WeChat really returns. */
export function defaultItems(): Record<FakeMaterialType, object[]> {
  const image = defaultImages();
  return {
    image,
    video: [
      {
        media_id: mediaId('default:video:0', 0, 'v'),
        name: '品牌宣传片',
        update_time: 1718000000,
        description: '2024 年品牌宣传片',
        tags: ['宣传'],
        cover_url: picUrl('default:cover:0', 'jpeg'),
      },
      { media_id: mediaId('default:video:1', 1, 'v'), name: '发布会回放', update_time: 1521355652 },
    ],
    voice: [
      {
        media_id: mediaId('default:voice:0', 0, 'o'),
        name: '欢迎语音.mp3',
        update_time: 1717000000,
      },
      { media_id: mediaId('default:voice:1', 1, 'o'), name: '节目预告', update_time: 1547511262 },
    ],
    news: defaultNews(image),
  };
}
