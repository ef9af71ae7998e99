import { Inject, Injectable } from '@nestjs/common';
import { RESOLVED_WECHAT_OPTIONS } from '../wechat-material.constants.js';
import type { ResolvedWechatOptions } from '../wechat-material.options.js';
import { AccessTokenService } from '../token/access-token.service.js';
import { WechatHttpClient } from '../http/wechat-http.client.js';
import { AccountMaterialClient } from './account-material.client.js';
import { clientForAccount } from '../token/account-client.js';
import type { AddMaterial, BatchGetMaterial, MaterialClient } from './material-client.types.js';
import type {
  MaterialContent,
  MaterialFile,
  TemporaryMaterialContent,
  TemporaryMaterialResult,
} from './media.types.js';
import type { UploadType } from './upload-limits.js';
import type {
  FileMaterialItem,
  IterateMaterialsOptions,
  MaterialCount,
  MaterialType,
  NewsMaterialItem,
} from './material.types.js';

/**
 * The permanent material library of the configured Official Account (`options.appId`);
 * `forAccount(appId)` gives the same API for another account.
 */
@Injectable()
export class MaterialService implements MaterialClient {
  private readonly main: AccountMaterialClient;
  /** See {@link BatchGetMaterial}. */
  readonly batchGetMaterial: BatchGetMaterial;
  /** See {@link AddMaterial}. */
  readonly addMaterial: AddMaterial;

  constructor(
    @Inject(RESOLVED_WECHAT_OPTIONS) private readonly options: ResolvedWechatOptions,
    private readonly tokens: AccessTokenService,
    private readonly http: WechatHttpClient,
  ) {
    this.main = new AccountMaterialClient(options.appId, tokens, http);
    // The overloaded methods are typed once (material-client.types.ts): bound from main.
    this.batchGetMaterial = this.main.batchGetMaterial;
    this.addMaterial = this.main.addMaterial;
  }

  /** `get_materialcount`: how many items of each type the library holds. */
  getMaterialCount(): Promise<MaterialCount> {
    return this.main.getMaterialCount();
  }

  /** Every item of a type, each media_id once, in WeChat's order (newest first). */
  iterateMaterials(
    type: MaterialType,
    opts?: IterateMaterialsOptions,
  ): AsyncIterable<NewsMaterialItem | FileMaterialItem> {
    return this.main.iterateMaterials(type, opts);
  }

  /** `media/uploadimg`: the only image URLs article HTML may use (jpg/png up to 1 MB). */
  uploadArticleImage(file: MaterialFile): Promise<{ url: string }> {
    return this.main.uploadArticleImage(file);
  }

  /**
   * `get_material`: `{ kind: 'news' }` and `{ kind: 'video', down_url }` from JSON, else
   * `{ kind: 'file', stream, … }` handed over as the bytes arrive: consume or destroy it.
   */
  getMaterial(mediaId: string): Promise<MaterialContent> {
    return this.main.getMaterial(mediaId);
  }

  /** `media/get`: `{ kind: 'video', video_url }` or `{ kind: 'file', stream, … }`. */
  getTemporaryMaterial(mediaId: string): Promise<TemporaryMaterialContent> {
    return this.main.getTemporaryMaterial(mediaId);
  }

  /** `del_material`: 40007 for an unknown media_id. */
  deleteMaterial(mediaId: string): Promise<void> {
    return this.main.deleteMaterial(mediaId);
  }

  /** `media/upload`: temporary media, kept three days (`media_id` filled for thumbs too). */
  addTemporaryMaterial(type: UploadType, file: MaterialFile): Promise<TemporaryMaterialResult> {
    return this.main.addTemporaryMaterial(type, file);
  }

  /**
   * The same API for another Official Account. Throws WechatConfigurationException at once
   * (no request) when appId has no credentials in `accounts`/`appId` and no provider is set.
   */
  forAccount(appId: string): MaterialClient {
    return clientForAccount(
      appId,
      this.tokens,
      { appId: this.options.appId, client: this.main },
      (id) => new AccountMaterialClient(id, this.tokens, this.http),
    );
  }
}
