import { PATHS } from '../wechat-material.constants.js';
import type { AccessTokenService } from '../token/access-token.service.js';
import type { WechatHttpClient } from '../http/wechat-http.client.js';
import { multipartBody } from '../http/multipart-body.js';
import {
  ARTICLE_IMAGE_TARGET,
  assertMediaId,
  checkVideoDescription,
  prepareUpload,
  typeMessage,
  uploadTarget,
  type PreparedUpload,
} from './upload-input.validator.js';
import type {
  AddMaterialResult,
  MaterialFile,
  TemporaryMaterialResult,
  VideoDescription,
} from './media.types.js';
import type { UploadType } from './upload-limits.js';

/** What a media call needs: the account it acts for, its tokens, its HTTP client. */
export interface MediaCallContext {
  readonly appId: string | undefined;
  readonly tokens: AccessTokenService;
  readonly http: WechatHttpClient;
}

type Accept = (body: Record<string, unknown>) => boolean;
const hasString =
  (field: string): Accept =>
  (b) =>
    typeof b[field] === 'string';

/**
 * Sends a checked upload as multipart (`media` part, text fields first) with the token
 * logic of every call; the body is re-read for each attempt and replay, and a spooled
 * temporary file is removed when the call ends, whatever the outcome.
 */
async function sendUpload(
  ctx: MediaCallContext,
  path: string,
  query: Record<string, string> | undefined,
  prepared: PreparedUpload,
  fields: { name: string; value: string }[],
  accept: Accept,
): Promise<Record<string, unknown>> {
  try {
    const upload = multipartBody(fields, {
      name: 'media',
      filename: prepared.filename,
      contentType: prepared.contentType,
      source: prepared.source,
    });
    return await ctx.tokens.withToken(ctx.appId, (accessToken) =>
      ctx.http.request({
        path,
        method: 'POST',
        appId: ctx.appId,
        accessToken,
        query,
        upload,
        accept,
      }),
    );
  } finally {
    await prepared.dispose();
  }
}

/** `add_material`: permanent image, voice, thumb, or video (with its description). */
export async function addMaterial(
  ctx: MediaCallContext,
  type: UploadType,
  file: MaterialFile,
  description?: VideoDescription,
): Promise<AddMaterialResult> {
  const target = uploadTarget('permanent', type);
  const earlier = target ? [] : [typeMessage()];
  if (type === 'video') earlier.push(...checkVideoDescription(description));
  const prepared = await prepareUpload(target, file, earlier);
  // WeChat reads the description as UTF-8 JSON text; Chinese stays raw (not \u-escaped).
  const fields =
    type === 'video'
      ? [
          {
            name: 'description',
            value: JSON.stringify({
              title: description!.title,
              introduction: description!.introduction,
            }),
          },
        ]
      : [];
  const body = await sendUpload(
    ctx,
    PATHS.addMaterial,
    { type },
    prepared,
    fields,
    hasString('media_id'),
  );
  return body as AddMaterialResult;
}

/** `media/uploadimg`: an image that article HTML may use (jpg/png up to 1 MB). */
export async function uploadArticleImage(
  ctx: MediaCallContext,
  file: MaterialFile,
): Promise<{ url: string }> {
  const prepared = await prepareUpload(ARTICLE_IMAGE_TARGET, file);
  const path = PATHS.uploadArticleImage;
  return (await sendUpload(ctx, path, undefined, prepared, [], hasString('url'))) as {
    url: string;
  };
}

/** `media/upload`: temporary media (kept three days). */
export async function addTemporaryMaterial(
  ctx: MediaCallContext,
  type: UploadType,
  file: MaterialFile,
): Promise<TemporaryMaterialResult> {
  const target = uploadTarget('temporary', type);
  const prepared = await prepareUpload(target, file, target ? [] : [typeMessage()]);
  const path = PATHS.addTemporaryMaterial;
  // type=thumb answers with thumb_media_id only.
  const accept: Accept = (b) =>
    typeof b.media_id === 'string' || typeof b.thumb_media_id === 'string';
  const body = await sendUpload(ctx, path, { type }, prepared, [], accept);
  return (
    typeof body.media_id === 'string' ? body : { ...body, media_id: body.thumb_media_id }
  ) as TemporaryMaterialResult;
}

/** `del_material`; temporary media cannot be deleted. */
export async function deleteMaterial(ctx: MediaCallContext, mediaId: string): Promise<void> {
  assertMediaId(mediaId);
  await ctx.tokens.withToken(ctx.appId, (accessToken) =>
    ctx.http.request({
      path: PATHS.deleteMaterial,
      method: 'POST',
      appId: ctx.appId,
      accessToken,
      body: { media_id: mediaId },
    }),
  );
}
