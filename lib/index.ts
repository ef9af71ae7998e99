import 'reflect-metadata';

export { WechatMaterialModule } from './wechat-material.module.js';
export {
  WECHAT_MATERIAL_OPTIONS,
  type WechatMaterialModuleAsyncOptions,
  type WechatMaterialOptionsFactory,
} from './wechat-material.module-definition.js';
export type { WechatMaterialModuleOptions, WechatCallEvent } from './wechat-material.options.js';

export { MaterialService } from './material/material.service.js';
export { BatchGetMaterialDto } from './material/batch-get-material.dto.js';
export {
  MATERIAL_TYPES,
  type MaterialType,
  type NewsMaterialPage,
  type FileMaterialPage,
  type NewsMaterialItem,
  type FileMaterialItem,
  type NewsArticle,
  type MaterialCount,
} from './material/material.types.js';
export type { MaterialClient } from './material/material-client.types.js';
export { UPLOAD_LIMITS, type UploadType } from './material/upload-limits.js';
export type {
  MaterialFile,
  MaterialContent,
  MaterialFileContent,
  TemporaryMaterialContent,
} from './material/media.types.js';

export { DraftService } from './draft/draft.service.js';
export {
  DraftArticleDto,
  NewsDraftArticleDto,
  NewspicDraftArticleDto,
} from './draft/draft-article.dto.js';
export { AddDraftDto } from './draft/add-draft.dto.js';
export { UpdateDraftDto } from './draft/update-draft.dto.js';
export { BatchGetDraftsDto } from './draft/batch-get-drafts.dto.js';
export type {
  DraftArticle,
  NewsDraftArticle,
  NewspicDraftArticle,
  DraftPage,
  DraftItem,
  DraftClient,
} from './draft/draft.types.js';

export { PublishService } from './publish/publish.service.js';
export { BatchGetPublishedDto } from './publish/batch-get-published.dto.js';
export type {
  PublishStatus,
  PublishState,
  PublishedArticle,
  PublishedPage,
  PublishedItem,
  PublishClient,
} from './publish/publish.types.js';

export { AccessTokenService } from './token/access-token.service.js';
export type { AccessTokenProvider } from './token/access-token-provider.interface.js';
export type { TokenStore, StoredToken } from './token/token-store.interface.js';

export { QuotaService, type WechatQuota } from './quota/quota.service.js';

export { WechatApiException } from './errors/wechat-api.exception.js';
export { WechatTransportException } from './errors/wechat-transport.exception.js';
export { WechatValidationException } from './errors/wechat-validation.exception.js';
export { WechatConfigurationException } from './errors/wechat-configuration.exception.js';
export { WechatExceptionFilter } from './errors/wechat-exception.filter.js';
