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
  MaterialContent,
  MaterialFile,
  TemporaryMaterialContent,
  TemporaryMaterialResult,
  VideoDescription,
} from './media.types.js';
import type { UploadType } from './upload-limits.js';

/** The material API for one account (see `MaterialService.forAccount`). */
export interface MaterialClient {
  batchGetMaterial(q: { type: 'news'; offset: number; count: number }): Promise<NewsMaterialPage>;
  batchGetMaterial(q: {
    type: 'image' | 'video' | 'voice';
    offset: number;
    count: number;
  }): Promise<FileMaterialPage>;
  batchGetMaterial(q: BatchGetMaterialQuery): Promise<NewsMaterialPage | FileMaterialPage>;
  getMaterialCount(): Promise<MaterialCount>;
  iterateMaterials(
    type: MaterialType,
    opts?: IterateMaterialsOptions,
  ): AsyncIterable<NewsMaterialItem | FileMaterialItem>;

  addMaterial(
    type: 'image' | 'voice' | 'thumb',
    file: MaterialFile,
  ): Promise<{ media_id: string; url?: string }>;
  addMaterial(
    type: 'video',
    file: MaterialFile,
    description: VideoDescription,
  ): Promise<{ media_id: string }>;
  uploadArticleImage(file: MaterialFile): Promise<{ url: string }>;
  getMaterial(mediaId: string): Promise<MaterialContent>;
  deleteMaterial(mediaId: string): Promise<void>;
  addTemporaryMaterial(type: UploadType, file: MaterialFile): Promise<TemporaryMaterialResult>;
  getTemporaryMaterial(mediaId: string): Promise<TemporaryMaterialContent>;
}
