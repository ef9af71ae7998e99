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
import type {
  AddMaterialResult,
  MaterialContent,
  MaterialFile,
  TemporaryMaterialContent,
  TemporaryMaterialResult,
  VideoDescription,
} from './media.types.js';
import type { UploadType } from './upload-limits.js';

/**
 * `batchget_material`: one page (`count` 1..20) of one type, news pages for `'news'`, file
 * pages otherwise. Input is checked before any request. The overload set, written once.
 */
export interface BatchGetMaterial {
  (q: BatchGetMaterialQuery<'news'>): Promise<NewsMaterialPage>;
  (q: BatchGetMaterialQuery<'image' | 'video' | 'voice'>): Promise<FileMaterialPage>;
  (q: BatchGetMaterialQuery): Promise<NewsMaterialPage | FileMaterialPage>;
}

/**
 * `add_material`: uploads permanent material (multipart `media`; a video also needs its
 * `description`). Checked before any request (type, one source, extension, size); a stream
 * is spooled to a temporary file first. Resolves with WeChat's `{ media_id, url? }`.
 */
export interface AddMaterial {
  (type: 'image' | 'voice' | 'thumb', file: MaterialFile): Promise<AddMaterialResult>;
  (type: 'video', file: MaterialFile, description: VideoDescription): Promise<AddMaterialResult>;
  (
    type: UploadType,
    file: MaterialFile,
    description?: VideoDescription,
  ): Promise<AddMaterialResult>;
}

/** The material API for one account (see `MaterialService.forAccount`). */
export interface MaterialClient {
  batchGetMaterial: BatchGetMaterial;
  getMaterialCount(): Promise<MaterialCount>;
  iterateMaterials(
    type: MaterialType,
    opts?: IterateMaterialsOptions,
  ): AsyncIterable<NewsMaterialItem | FileMaterialItem>;

  addMaterial: AddMaterial;
  uploadArticleImage(file: MaterialFile): Promise<{ url: string }>;
  getMaterial(mediaId: string): Promise<MaterialContent>;
  deleteMaterial(mediaId: string): Promise<void>;
  addTemporaryMaterial(type: UploadType, file: MaterialFile): Promise<TemporaryMaterialResult>;
  getTemporaryMaterial(mediaId: string): Promise<TemporaryMaterialContent>;
}
