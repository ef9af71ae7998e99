import { PATHS } from '../wechat-material.constants.js';
import type { DownloadAnswer } from '../http/wechat-http.client.js';
import type { MediaCallContext } from './material-uploads.js';
import { assertMediaId } from './upload-input.validator.js';
import type {
  MaterialContent,
  MaterialFileContent,
  TemporaryMaterialContent,
} from './media.types.js';
import type { NewsArticle } from './material.types.js';

const isNews = (b: Record<string, unknown>): boolean => Array.isArray(b.news_item);
const isVideo = (b: Record<string, unknown>): boolean => typeof b.down_url === 'string';
const isTemporaryVideo = (b: Record<string, unknown>): boolean => typeof b.video_url === 'string';

const fileContent = (answer: DownloadAnswer & { kind: 'file' }): MaterialFileContent => ({
  kind: 'file',
  ...answer.file,
});

/**
 * `get_material`: news and video come back as JSON, images, voices and thumbs as the file
 * itself. What WeChat answers decides the kind (JSON by its body and header together),
 * never the media_id; other JSON (temporary media's shape included) is a `bad_response`.
 */
export async function getMaterial(
  ctx: MediaCallContext,
  mediaId: string,
): Promise<MaterialContent> {
  assertMediaId(mediaId);
  const answer = await ctx.tokens.withToken(ctx.appId, (accessToken) =>
    ctx.http.download({
      path: PATHS.getMaterial,
      method: 'POST',
      appId: ctx.appId,
      accessToken,
      body: { media_id: mediaId },
      accept: (b) => isNews(b) || isVideo(b),
    }),
  );
  if (answer.kind === 'file') return fileContent(answer);
  const body = answer.body;
  if (isNews(body)) {
    return { kind: 'news', ...body, news_item: body.news_item as NewsArticle[] };
  }
  return { kind: 'video', ...body } as MaterialContent;
}

/** `media/get`: temporary media (kept three days); a video comes back as `{ video_url }`. */
export async function getTemporaryMaterial(
  ctx: MediaCallContext,
  mediaId: string,
): Promise<TemporaryMaterialContent> {
  assertMediaId(mediaId);
  const answer = await ctx.tokens.withToken(ctx.appId, (accessToken) =>
    ctx.http.download({
      path: PATHS.getTemporaryMaterial,
      method: 'GET',
      appId: ctx.appId,
      accessToken,
      query: { media_id: mediaId },
      accept: isTemporaryVideo,
    }),
  );
  if (answer.kind === 'file') return fileContent(answer);
  return { kind: 'video', ...answer.body } as TemporaryMaterialContent;
}
