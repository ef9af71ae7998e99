import { PATHS } from '../wechat-material.constants.js';
import type { AccessTokenService } from '../token/access-token.service.js';
import type { WechatHttpClient } from '../http/wechat-http.client.js';
import { assertBatchGetQuery } from './material-input.validator.js';
import { iterateMaterials } from './iterate-materials.js';
import {
  addMaterial,
  addTemporaryMaterial,
  deleteMaterial,
  uploadArticleImage,
} from './material-uploads.js';
import { getMaterial, getTemporaryMaterial } from './material-downloads.js';
import type { AddMaterial, BatchGetMaterial, MaterialClient } from './material-client.types.js';
import type {
  MaterialContent,
  MaterialFile,
  TemporaryMaterialContent,
  TemporaryMaterialResult,
  VideoDescription,
} from './media.types.js';
import type { UploadType } from './upload-limits.js';
import type {
  BatchGetMaterialQuery,
  FileMaterialItem,
  FileMaterialPage,
  IterateMaterialsOptions,
  MaterialCount,
  MaterialType,
  NewsMaterialItem,
  NewsMaterialPage,
} from './material.types.js';

const COUNT_FIELDS = ['voice_count', 'video_count', 'image_count', 'news_count'] as const;

const isPage = (b: Record<string, unknown>): boolean => Array.isArray(b.item);

const isCount = (b: Record<string, unknown>): boolean =>
  COUNT_FIELDS.some((f) => f in b) &&
  COUNT_FIELDS.every((f) => b[f] === undefined || typeof b[f] === 'number');

/** The material API acting for one appId. */
export class AccountMaterialClient implements MaterialClient {
  constructor(
    readonly appId: string | undefined,
    readonly tokens: AccessTokenService,
    readonly http: WechatHttpClient,
  ) {}

  /** The implementation of {@link BatchGetMaterial} (its overloads are typed once, there). */
  readonly batchGetMaterial = ((q: BatchGetMaterialQuery) => {
    try {
      assertBatchGetQuery(q);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.fetchPage(q);
  }) as BatchGetMaterial;

  /** A page without input checks (callers validated already); `signal` cancels it. */
  fetchPage(
    q: BatchGetMaterialQuery,
    signal?: AbortSignal,
  ): Promise<NewsMaterialPage | FileMaterialPage> {
    const body = { type: q.type, offset: q.offset, count: q.count };
    return this.tokens.withToken(this.appId, (accessToken) =>
      this.http.request({
        path: PATHS.batchGetMaterial,
        method: 'POST',
        appId: this.appId,
        accessToken,
        body,
        signal,
        accept: isPage,
      }),
    ) as Promise<NewsMaterialPage | FileMaterialPage>;
  }

  getMaterialCount(): Promise<MaterialCount> {
    return this.tokens.withToken(this.appId, (accessToken) =>
      this.http.request({
        path: PATHS.materialCount,
        method: 'GET',
        appId: this.appId,
        accessToken,
        accept: isCount,
      }),
    ) as Promise<MaterialCount>;
  }

  iterateMaterials(
    type: MaterialType,
    opts: IterateMaterialsOptions = {},
  ): AsyncIterable<NewsMaterialItem | FileMaterialItem> {
    return iterateMaterials((q, signal) => this.fetchPage(q, signal), type, opts);
  }

  /** The implementation of {@link AddMaterial}. */
  readonly addMaterial = ((type: UploadType, file: MaterialFile, description?: VideoDescription) =>
    addMaterial(this, type, file, description)) as AddMaterial;

  uploadArticleImage(file: MaterialFile): Promise<{ url: string }> {
    return uploadArticleImage(this, file);
  }

  deleteMaterial(mediaId: string): Promise<void> {
    return deleteMaterial(this, mediaId);
  }

  addTemporaryMaterial(type: UploadType, file: MaterialFile): Promise<TemporaryMaterialResult> {
    return addTemporaryMaterial(this, type, file);
  }

  getMaterial(mediaId: string): Promise<MaterialContent> {
    return getMaterial(this, mediaId);
  }

  getTemporaryMaterial(mediaId: string): Promise<TemporaryMaterialContent> {
    return getTemporaryMaterial(this, mediaId);
  }
}
