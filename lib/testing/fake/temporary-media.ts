import { randomBytes } from 'node:crypto';
import { errorAnswer, jsonAnswer, type Answer } from './answers.js';
import { business, type AreaContext, type FakeRequest, type RouteTable } from './area.js';
import type { StoredFile } from './library.js';
import { TEMPORARY_RULES, fileAnswer, isUploadKind, readUpload } from './media-files.js';
import { MEDIA_GET_PATH, MEDIA_UPLOAD_PATH, VIDEO_DOWNLOAD_PATH } from './paths.js';

/** WeChat keeps temporary media three days. */
const TEMPORARY_LIFETIME_MS = 3 * 24 * 3600 * 1000;

interface TemporaryMedia {
  file: StoredFile;
  /** epoch seconds */
  createdAt: number;
}

/** Temporary media by media_id; expired ones answer 40007. */
export class TemporaryStore {
  private readonly items = new Map<string, TemporaryMedia>();

  add(file: StoredFile): { mediaId: string; createdAt: number } {
    const mediaId = randomBytes(48).toString('base64url');
    const createdAt = Math.floor(Date.now() / 1000);
    this.items.set(mediaId, { file, createdAt });
    return { mediaId, createdAt };
  }

  get(mediaId: string): StoredFile | undefined {
    const item = this.items.get(mediaId);
    if (!item) return undefined;
    if (Date.now() >= item.createdAt * 1000 + TEMPORARY_LIFETIME_MS) {
      this.items.delete(mediaId);
      return undefined;
    }
    return item.file;
  }
}

async function upload(store: TemporaryStore, req: FakeRequest): Promise<Answer> {
  const type = req.query.get('type');
  if (!isUploadKind(type)) return errorAnswer(40004);
  const upload = await readUpload(req, type, TEMPORARY_RULES[type]);
  if (typeof upload === 'number') return errorAnswer(upload);
  const { mediaId, createdAt } = store.add(upload.file);
  // WeChat answers a thumb with thumb_media_id only.
  return type === 'thumb'
    ? jsonAnswer({ type, thumb_media_id: mediaId, created_at: createdAt })
    : jsonAnswer({ type, media_id: mediaId, created_at: createdAt });
}

function get(ctx: AreaContext, store: TemporaryStore, req: FakeRequest): Answer {
  const mediaId = req.query.get('media_id') ?? '';
  const file = store.get(mediaId);
  if (!file) return errorAnswer(40007);
  if (file.uploadType !== 'video') return fileAnswer(file);
  const url = new URL(VIDEO_DOWNLOAD_PATH, ctx.baseUrl());
  url.searchParams.set('vid', mediaId);
  return jsonAnswer({ video_url: url.href });
}

/** media/upload (multipart) and media/get (GET ?media_id=). */
export function temporaryMediaRoutes(ctx: AreaContext, store: TemporaryStore): RouteTable {
  return {
    [MEDIA_UPLOAD_PATH]: (req) => business(ctx, req, 'POST', () => upload(store, req)),
    [MEDIA_GET_PATH]: (req) => business(ctx, req, 'ANY', () => get(ctx, store, req)),
  };
}
