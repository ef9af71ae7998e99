import type { Answer } from './answers.js';
import { rawUtf8Header } from './answers.js';
import type { FakeRequest } from './area.js';
import { fakeBytes, hash } from './generate.js';
import type { FakeMaterialType, StoredFile } from './library.js';

/** The file kinds of add_material and media/upload. */
export type UploadKind = 'image' | 'voice' | 'video' | 'thumb';

/** What WeChat takes for one kind, and the errcode it gives a file that is too big. */
export interface UploadRule {
  maxBytes: number;
  extensions: readonly string[];
  tooBig: 40009 | 45001;
}

const KB = 1024;
const MB = 1024 * KB;

/** WeChat's documented limits (API.md "Media"); images answer 40009 when too big, the rest 45001. */
export const PERMANENT_RULES: Readonly<Record<UploadKind, UploadRule>> = {
  image: { maxBytes: 10 * MB, extensions: ['bmp', 'png', 'jpeg', 'jpg', 'gif'], tooBig: 40009 },
  voice: { maxBytes: 2 * MB, extensions: ['mp3', 'wma', 'wav', 'amr'], tooBig: 45001 },
  video: { maxBytes: 10 * MB, extensions: ['mp4'], tooBig: 45001 },
  thumb: { maxBytes: 64 * KB, extensions: ['jpg', 'jpeg'], tooBig: 45001 },
};

export const TEMPORARY_RULES: Readonly<Record<UploadKind, UploadRule>> = {
  image: { maxBytes: 10 * MB, extensions: ['png', 'jpeg', 'jpg', 'gif'], tooBig: 40009 },
  voice: { maxBytes: 2 * MB, extensions: ['amr', 'mp3'], tooBig: 45001 },
  video: { maxBytes: 10 * MB, extensions: ['mp4'], tooBig: 45001 },
  thumb: { maxBytes: 64 * KB, extensions: ['jpg', 'jpeg'], tooBig: 45001 },
};

/** The largest file any upload may carry (image and video: 10 MB). */
export const LARGEST_UPLOAD_BYTES = Math.max(
  ...Object.values(PERMANENT_RULES).map((r) => r.maxBytes),
  ...Object.values(TEMPORARY_RULES).map((r) => r.maxBytes),
);

export const ARTICLE_IMAGE_RULE: UploadRule = {
  maxBytes: 1 * MB,
  extensions: ['jpg', 'jpeg', 'png'],
  tooBig: 40009,
};

/** The type WeChat serves a file with, by the extension it judged it by. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  bmp: 'image/bmp',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  mp3: 'audio/mpeg',
  wma: 'audio/x-ms-wma',
  wav: 'audio/wav',
  amr: 'audio/amr',
  mp4: 'video/mp4',
};

export function isUploadKind(value: unknown): value is UploadKind {
  return value === 'image' || value === 'voice' || value === 'video' || value === 'thumb';
}

/** After the last dot, lower case; '' when there is none. */
function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot < 0 ? '' : filename.slice(dot + 1).toLowerCase();
}

/** The parsed form: the checked file and the text fields beside it. */
export interface Upload {
  file: StoredFile;
  field(name: string): string | undefined;
}

async function parseForm(req: FakeRequest): Promise<FormData | undefined> {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) return undefined;
  try {
    // Node's own multipart parser (undici's), with UTF-8 filenames as browsers send them.
    const request = new Request('http://fake.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: req.body,
      duplex: 'half',
    } as RequestInit);
    return await request.formData();
  } catch {
    return undefined;
  }
}

/**
 * The multipart upload in `req` checked as WeChat checks it: the file part `media` (41005 when
 * absent or empty), its extension (40005), its size (40009 / 45001). Else the errcode.
 */
export async function readUpload(
  req: FakeRequest,
  kind: string,
  rule: UploadRule,
): Promise<Upload | number> {
  const form = await parseForm(req);
  const media = form?.get('media');
  if (!form || media === null || media === undefined) return 41005;
  // A `media` part without a filename has no extension to judge the type by.
  if (typeof media === 'string') return 40005;
  const ext = extensionOf(media.name);
  if (!rule.extensions.includes(ext)) return 40005;
  if (media.size === 0) return 41005;
  if (media.size > rule.maxBytes) return rule.tooBig;
  const file: StoredFile = {
    bytes: Buffer.from(await media.arrayBuffer()),
    filename: media.name,
    contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream',
    uploadType: kind,
  };
  return {
    file,
    field: (name) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : undefined;
    },
  };
}

const DEFAULT_EXTENSION: Readonly<Record<string, string>> = {
  image: 'jpg',
  thumb: 'jpg',
  voice: 'mp3',
  video: 'mp4',
};

/**
 * The file of a seeded or generated item, which has no uploaded bytes: deterministic bytes
 * (4-32 KB) from its media_id, its name (an extension added when it has none).
 */
export function generatedFile(
  mediaId: string,
  type: FakeMaterialType | UploadKind,
  name: unknown,
): StoredFile {
  const base = typeof name === 'string' && name !== '' ? name : mediaId;
  const known = CONTENT_TYPES[extensionOf(base)] !== undefined;
  const filename = known ? base : `${base}.${DEFAULT_EXTENSION[type] ?? 'bin'}`;
  return {
    bytes: fakeBytes(`file:${mediaId}`, 4 * KB + (hash(mediaId) % (28 * KB))),
    filename,
    contentType: CONTENT_TYPES[extensionOf(filename)] ?? 'application/octet-stream',
    uploadType: type,
  };
}

/**
 * A file as WeChat sends it: the bytes, their type, and `Content-disposition: attachment;
 * filename="…"` with the name as raw UTF-8 bytes (no `filename*`), as real answers carry it.
 */
export function fileAnswer(file: StoredFile): Answer {
  // Header values cannot hold CR/LF; a quote is escaped as an RFC 6266 quoted-pair.
  const name = file.filename.replace(/[\r\n]/g, ' ').replace(/(["\\])/g, '\\$1');
  return {
    status: 200,
    contentType: file.contentType,
    body: file.bytes,
    headers: {
      'Content-disposition': `attachment; filename="${rawUtf8Header(name)}"`,
      'Cache-Control': 'no-cache, must-revalidate',
    },
  };
}
