import { randomBytes } from 'node:crypto';
import { postForm } from './media-http.js';

// Draft articles and the uploads they point to, for the sample app's draft and publish e2e.

/** A news article (图文) with its cover. */
export function newsArticle(thumbMediaId: string, extra: Record<string, unknown> = {}) {
  return {
    title: '春季新品发布',
    author: '小编',
    digest: '三款新品今天上市',
    content: '<p>新品上市</p>',
    content_source_url: 'https://example.com/spring',
    thumb_media_id: thumbMediaId,
    need_open_comment: 1,
    only_fans_can_comment: 0,
    pic_crop_235_1: '0_0_1_0.5',
    pic_crop_1_1: '0.1945_0_0.8055_1',
    ...extra,
  };
}

/** An image post (图片消息) with `count` images. */
export function newspicArticle(imageIds: string[], extra: Record<string, unknown> = {}) {
  return {
    article_type: 'newspic',
    title: '春日上新',
    content: '三款新品，今天上市',
    image_info: { image_list: imageIds.map((image_media_id) => ({ image_media_id })) },
    need_open_comment: 0,
    ...extra,
  };
}

/** POST /materials/thumb through the sample app: the thumb's media_id. */
export async function uploadThumb(appUrl: string): Promise<string> {
  const res = await postForm(`${appUrl}/materials/thumb`, [
    { name: 'media', filename: 'cover.jpg', contentType: 'image/jpeg', data: randomBytes(4096) },
  ]);
  if (res.status !== 201) throw new Error(`thumb upload answered ${res.status}`);
  return (res.json as { media_id: string }).media_id;
}

/** POST /materials/image through the sample app: the image's media_id. */
export async function uploadImage(appUrl: string): Promise<string> {
  const res = await postForm(`${appUrl}/materials/image`, [
    { name: 'media', filename: 'photo.png', contentType: 'image/png', data: randomBytes(8192) },
  ]);
  if (res.status !== 201) throw new Error(`image upload answered ${res.status}`);
  return (res.json as { media_id: string }).media_id;
}

/** POST /materials/article-images through the sample app: the URL for article HTML. */
export async function uploadArticleImage(appUrl: string): Promise<string> {
  const res = await postForm(`${appUrl}/materials/article-images`, [
    { name: 'media', filename: 'inline.jpg', contentType: 'image/jpeg', data: randomBytes(2048) },
  ]);
  if (res.status !== 201) throw new Error(`article image upload answered ${res.status}`);
  return (res.json as { url: string }).url;
}
