import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { mediaMessages as msg } from '../errors/messages.js';
import { WechatValidationException } from '../errors/wechat-validation.exception.js';
import { removeTempFile, spoolToTempFile } from '../http/spool-to-temp-file.js';
import { bytesSource, fileSource, type UploadSource } from '../http/upload-source.js';
import {
  DEFAULT_CONTENT_TYPES,
  UPLOAD_LIMITS,
  UPLOAD_TYPES,
  extensionOf,
  type UploadLimit,
  type UploadType,
} from './upload-limits.js';

/** Which limit an upload is judged by, and how messages name it. */
export interface UploadTarget {
  what: string;
  limit: UploadLimit;
}

/** A checked upload, ready to be sent any number of times; `dispose()` when the call ends. */
export interface PreparedUpload {
  filename: string;
  contentType: string;
  source: UploadSource;
  dispose(): Promise<void>;
}

type SourceKind = 'data' | 'path' | 'stream';
type Checked = { filename: string; contentType: string } & (
  | { kind: 'data'; data: Uint8Array }
  | { kind: 'path'; path: string }
  | { kind: 'stream'; stream: Readable }
);

const SOURCES: readonly SourceKind[] = ['data', 'path', 'stream'];
// Control characters would break the multipart headers (and no real filename has them).
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
const MIME = /^[\w.+-]+\/[\w.+-]+(?:\s*;\s*[\w.+-]+=[\w.+-]+)*$/;
const noop = async (): Promise<void> => undefined;

const isStream = (v: unknown): v is Readable =>
  v !== null &&
  typeof v === 'object' &&
  typeof (v as Readable).on === 'function' &&
  typeof (v as Readable)[Symbol.asyncIterator] === 'function';

const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** The rule for `add_material` / `media/upload` of a type, or undefined for an unknown type. */
export function uploadTarget(
  kind: 'permanent' | 'temporary',
  type: unknown,
): UploadTarget | undefined {
  if (!UPLOAD_TYPES.includes(type as UploadType)) return undefined;
  return { what: `a ${kind} ${type as string}`, limit: UPLOAD_LIMITS[kind][type as UploadType] };
}

export const ARTICLE_IMAGE_TARGET: UploadTarget = {
  what: 'an article image',
  limit: UPLOAD_LIMITS.articleImage,
};

export const typeMessage = (): string => msg.type(UPLOAD_TYPES);

/** Messages for a video's `description` (both fields required by WeChat). */
export function checkVideoDescription(d: unknown): string[] {
  const o = d !== null && typeof d === 'object' ? (d as Record<string, unknown>) : {};
  const out: string[] = [];
  if (!isNonEmptyString(o.title)) out.push(msg.description('title'));
  if (!isNonEmptyString(o.introduction)) out.push(msg.description('introduction'));
  return out;
}

/** Throws WechatValidationException unless mediaId is a non-empty string. */
export function assertMediaId(mediaId: unknown): asserts mediaId is string {
  if (!isNonEmptyString(mediaId)) throw new WechatValidationException([msg.mediaId()]);
}

/** Every synchronous check of `file`; pushes messages, returns the file when it passed. */
function checkFile(
  file: unknown,
  target: UploadTarget | undefined,
  out: string[],
): Checked | undefined {
  if (file === null || typeof file !== 'object') {
    out.push(msg.fileObject());
    return undefined;
  }
  const f = file as Record<string, unknown>;
  const given = SOURCES.filter((s) => f[s] !== undefined);
  const before = out.length;
  if (given.length !== 1) out.push(msg.oneSource());
  const kind = given.length === 1 ? given[0]! : undefined;
  if (kind === 'data' && !(f.data instanceof Uint8Array)) out.push(msg.sourceType('data'));
  if (kind === 'path' && !isNonEmptyString(f.path)) out.push(msg.sourceType('path'));
  if (kind === 'stream' && !isStream(f.stream)) out.push(msg.sourceType('stream'));
  const filename = f.filename;
  if (typeof filename !== 'string' || filename.trim() === '' || CONTROL.test(filename)) {
    out.push(msg.filename());
  } else if (target && !target.limit.extensions.includes(extensionOf(filename))) {
    out.push(msg.extension(target.what, target.limit.extensions));
  }
  const ct = f.contentType;
  if (ct !== undefined && (typeof ct !== 'string' || !MIME.test(ct))) out.push(msg.contentType());
  if (kind === 'data' && f.data instanceof Uint8Array && target) {
    out.push(...sizeMessages('data', f.data.byteLength, target));
  }
  if (out.length > before || !kind || !target) return undefined;
  const contentType =
    (ct as string | undefined) ??
    DEFAULT_CONTENT_TYPES[extensionOf(filename as string)] ??
    'application/octet-stream';
  const base = { filename: filename as string, contentType };
  if (kind === 'data') return { ...base, kind, data: f.data as Uint8Array };
  if (kind === 'path') return { ...base, kind, path: f.path as string };
  return { ...base, kind, stream: f.stream as Readable };
}

function sizeMessages(source: SourceKind, size: number, target: UploadTarget): string[] {
  if (size < 1) return [msg.empty(source)];
  if (size > target.limit.maxBytes)
    return [msg.tooLarge(source, target.what, target.limit.maxBytes)];
  return [];
}

/** Size of a readable regular file, or undefined. */
async function fileSize(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return undefined;
    await access(path, constants.R_OK);
    return s.size;
  } catch {
    return undefined;
  }
}

/**
 * Checks an upload completely before any request: the sync checks (with `earlier`
 * messages, e.g. the type's and the description's), then the size of a path (stat) or of a
 * stream (spooled to a temporary file). Rejects with WechatValidationException listing
 * every failed check; a stream given to a call that fails is destroyed.
 */
export async function prepareUpload(
  target: UploadTarget | undefined,
  file: unknown,
  earlier: readonly string[] = [],
): Promise<PreparedUpload> {
  const out = [...earlier];
  const checked = checkFile(file, target, out);
  if (!checked || out.length > 0 || !target) {
    const stream = (file as { stream?: unknown } | null)?.stream;
    if (isStream(stream) && !stream.destroyed) stream.destroy();
    throw new WechatValidationException(out);
  }
  const { filename, contentType } = checked;
  if (checked.kind === 'data') {
    return { filename, contentType, source: bytesSource(checked.data), dispose: noop };
  }
  if (checked.kind === 'path') {
    const size = await fileSize(checked.path);
    if (size === undefined) throw new WechatValidationException([msg.unreadablePath()]);
    const bad = sizeMessages('path', size, target);
    if (bad.length > 0) throw new WechatValidationException(bad);
    return { filename, contentType, source: fileSource(checked.path, size), dispose: noop };
  }
  const spooled = await spoolToTempFile(checked.stream, target.limit.maxBytes);
  if (spooled.kind === 'too_large') {
    throw new WechatValidationException([
      msg.tooLarge('stream', target.what, target.limit.maxBytes),
    ]);
  }
  if (spooled.kind === 'failed') throw new WechatValidationException([msg.streamFailed()]);
  const dispose = () => removeTempFile(spooled.path);
  if (spooled.size < 1) {
    await dispose();
    throw new WechatValidationException([msg.empty('stream')]);
  }
  return { filename, contentType, source: fileSource(spooled.path, spooled.size), dispose };
}
