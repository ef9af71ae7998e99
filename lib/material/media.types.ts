import type { Readable } from 'node:stream';
import type { NewsArticle } from './material.types.js';

/**
 * A file to upload: a filename (WeChat judges the type by its extension) and exactly one
 * source. A `stream` belongs to the call once passed: it is read to its end or destroyed.
 */
export interface MaterialFile {
  /** Sent as the multipart filename; its extension must fit the type. */
  filename: string;
  /** Default: from the extension (`image/png`, `audio/mpeg`, `video/mp4`…). */
  contentType?: string;
  /** Bytes already in memory. */
  data?: Buffer | Uint8Array;
  /** A file on disk, read while it is sent (never whole in memory). */
  path?: string;
  /** Written to a temporary file first (counting bytes against the limit), then sent like a path. */
  stream?: Readable;
}

/** The `description` form field WeChat requires for a permanent video. */
export interface VideoDescription {
  title: string;
  introduction: string;
}

/** A file answer of `get_material` / `media/get`, handed over as the bytes arrive. */
export interface MaterialFileContent {
  kind: 'file';
  /** Consume or destroy it; destroying it frees the connection. */
  stream: Readable;
  contentType?: string;
  /** From Content-Disposition (UTF-8 names decoded). */
  filename?: string;
  contentLength?: number;
}

/** What `getMaterial` hands back: decided by WeChat's answer, never by the media_id. */
export type MaterialContent =
  | { kind: 'news'; news_item: NewsArticle[] }
  | { kind: 'video'; title: string; description: string; down_url: string }
  | MaterialFileContent;

/** What `getTemporaryMaterial` hands back. */
export type TemporaryMaterialContent = { kind: 'video'; video_url: string } | MaterialFileContent;

/** `add_material` for image, voice and thumb (`url` for images). */
export interface AddMaterialResult {
  media_id: string;
  url?: string;
  [field: string]: unknown;
}

/** `media/upload`: WeChat answers `type=thumb` with `thumb_media_id`; `media_id` is filled from it. */
export interface TemporaryMaterialResult {
  type: string;
  media_id: string;
  created_at: number;
  thumb_media_id?: string;
  [field: string]: unknown;
}
