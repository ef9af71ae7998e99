import { randomBytes } from 'node:crypto';
import {
  errorAnswer,
  jsonAnswer,
  materialAnswer,
  notFoundAnswer,
  parseJsonObject,
  type Answer,
} from './answers.js';
import { business, type AreaContext, type FakeArea, type FakeRequest } from './area.js';
import { ALNUM, chars, prng } from './generate.js';
import type { FoundMaterial, StoredFile } from './library.js';
import {
  ARTICLE_IMAGE_RULE,
  PERMANENT_RULES,
  fileAnswer,
  generatedFile,
  isUploadKind,
  readUpload,
  type Upload,
} from './media-files.js';
import {
  ADD_MATERIAL_PATH,
  DEL_MATERIAL_PATH,
  GET_MATERIAL_PATH,
  UPLOADIMG_PATH,
  VIDEO_DOWNLOAD_PATH,
} from './paths.js';
import { TemporaryStore, temporaryMediaRoutes } from './temporary-media.js';

/** An image URL as WeChat hands them out (they only display inside Tencent pages). */
function imageUrl(filename: string): string {
  const png = filename.toLowerCase().endsWith('.png');
  const path = chars(prng(randomBytes(4).readUInt32LE(0)), ALNUM, 86);
  return `http://mmbiz.qpic.cn/${png ? 'mmbiz_png' : 'mmbiz_jpg'}/${path}/0?wx_fmt=${png ? 'png' : 'jpeg'}`;
}

/** The `description` field of a video: JSON {title, introduction}, or undefined (41005). */
function videoDescription(upload: Upload): { title: string; introduction: string } | undefined {
  const json = parseJsonObject(upload.field('description') ?? '');
  if (!json || typeof json.title !== 'string' || json.title === '') return undefined;
  if (typeof json.introduction !== 'string') return undefined;
  return { title: json.title, introduction: json.introduction };
}

async function addMaterial(ctx: AreaContext, req: FakeRequest): Promise<Answer> {
  const type = req.query.get('type');
  if (!isUploadKind(type)) return errorAnswer(40004);
  const upload = await readUpload(req, type, PERMANENT_RULES[type]);
  if (typeof upload === 'number') return errorAnswer(upload);
  const { file } = upload;
  if (type === 'video') {
    const description = videoDescription(upload);
    if (!description) return errorAnswer(41005);
    const item = { name: description.title, description: description.introduction };
    return jsonAnswer({ media_id: ctx.library.add('video', item, file).media_id });
  }
  if (type === 'voice') {
    return jsonAnswer({
      media_id: ctx.library.add('voice', { name: file.filename }, file).media_id,
    });
  }
  // Thumbs are listed and counted as images.
  const url = imageUrl(file.filename);
  const added = ctx.library.add('image', { name: file.filename, url }, file);
  return jsonAnswer(
    type === 'image' ? { media_id: added.media_id, url } : { media_id: added.media_id },
  );
}

async function uploadImage(req: FakeRequest): Promise<Answer> {
  const upload = await readUpload(req, 'image', ARTICLE_IMAGE_RULE);
  if (typeof upload === 'number') return errorAnswer(upload);
  return jsonAnswer({ url: imageUrl(upload.file.filename) });
}

/** The media_id of a `{media_id}` JSON body, or the errcode WeChat answers. */
function mediaIdOf(req: FakeRequest): string | number {
  const text = req.text();
  if (text.trim() === '') return 44002;
  const json = parseJsonObject(text);
  if (!json) return 47001;
  return typeof json.media_id === 'string' && json.media_id !== '' ? json.media_id : 40007;
}

function fileOf(found: FoundMaterial): StoredFile {
  const id = String(found.item.media_id);
  return found.file ?? generatedFile(id, found.type, found.item.name);
}

function videoUrl(ctx: AreaContext, mediaId: string): string {
  const url = new URL(VIDEO_DOWNLOAD_PATH, ctx.baseUrl());
  url.searchParams.set('vid', mediaId);
  return url.href;
}

function getMaterial(ctx: AreaContext, req: FakeRequest): Answer {
  const mediaId = mediaIdOf(req);
  if (typeof mediaId === 'number') return errorAnswer(mediaId);
  const found = ctx.library.find(mediaId);
  if (!found) return errorAnswer(40007);
  const { item } = found;
  switch (found.type) {
    case 'news':
      return materialAnswer({
        news_item: (item.content as { news_item?: unknown })?.news_item ?? [],
      });
    case 'video':
      return materialAnswer({
        title: String(item.name ?? ''),
        description: String(item.description ?? ''),
        down_url: videoUrl(ctx, mediaId),
      });
    default:
      return fileAnswer(fileOf(found));
  }
}

function delMaterial(ctx: AreaContext, req: FakeRequest): Answer {
  const mediaId = mediaIdOf(req);
  if (typeof mediaId === 'number') return errorAnswer(mediaId);
  return ctx.library.remove(mediaId)
    ? jsonAnswer({ errcode: 0, errmsg: 'ok' })
    : errorAnswer(40007);
}

/** The video bytes behind a down_url / video_url: no access_token, as on WeChat's CDN. */
function downloadVideo(ctx: AreaContext, temporary: TemporaryStore, req: FakeRequest): Answer {
  const vid = req.query.get('vid') ?? '';
  const found = ctx.library.find(vid);
  if (found?.type === 'video') return fileAnswer(fileOf(found));
  const file = temporary.get(vid);
  return file?.uploadType === 'video' ? fileAnswer(file) : notFoundAnswer();
}

/**
 * Media: permanent material (add_material, get_material, del_material), article images
 * (uploadimg), temporary media (media/upload, media/get) and the video downloads they point to.
 */
export function mediaArea(ctx: AreaContext): FakeArea {
  const temporary = new TemporaryStore();
  return {
    routes: {
      [ADD_MATERIAL_PATH]: (req) => business(ctx, req, 'POST', () => addMaterial(ctx, req)),
      [UPLOADIMG_PATH]: (req) => business(ctx, req, 'POST', () => uploadImage(req)),
      [GET_MATERIAL_PATH]: (req) => business(ctx, req, 'POST', () => getMaterial(ctx, req)),
      [DEL_MATERIAL_PATH]: (req) => business(ctx, req, 'POST', () => delMaterial(ctx, req)),
      [VIDEO_DOWNLOAD_PATH]: (req) => downloadVideo(ctx, temporary, req),
      ...temporaryMediaRoutes(ctx, temporary),
    },
  };
}
