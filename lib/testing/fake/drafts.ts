import { randomBytes } from 'node:crypto';
import { errorAnswer, jsonAnswer, parseJsonObject, type Answer } from './answers.js';
import { business, type AreaContext, type FakeArea, type FakeRequest } from './area.js';
import { articleUrl } from './generate.js';
import { DRAFT_PATHS } from './paths.js';

export type Article = Record<string, unknown>;

/** One draft as the box keeps it; its articles carry the `url` (and `thumb_url`) WeChat adds. */
export interface StoredDraft {
  media_id: string;
  articles: Article[];
  create_time: number;
  update_time: number;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const unixNow = (): number => Math.floor(Date.now() / 1000);

/** An integer in min..max, as WeChat's listings want offset and count. */
export const isIntIn = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** The draft box (草稿箱), newest first. The publish area takes published drafts out of it. */
export class DraftBox {
  private readonly drafts: StoredDraft[] = [];
  /** Runs before each draft call: publish jobs that ended meanwhile take their drafts out. */
  beforeAccess: () => void = () => undefined;

  add(articles: Article[]): StoredDraft {
    const now = unixNow();
    const draft = {
      media_id: randomBytes(33).toString('base64url').slice(0, 43),
      articles,
      create_time: now,
      update_time: now,
    };
    this.drafts.unshift(draft);
    return draft;
  }

  find(mediaId: unknown): StoredDraft | undefined {
    return this.drafts.find((d) => d.media_id === mediaId);
  }

  remove(mediaId: string): boolean {
    const at = this.drafts.findIndex((d) => d.media_id === mediaId);
    if (at >= 0) this.drafts.splice(at, 1);
    return at >= 0;
  }

  get size(): number {
    return this.drafts.length;
  }

  page(offset: number, count: number): StoredDraft[] {
    return this.drafts.slice(offset, offset + count);
  }
}

/** A permanent image (thumbs are shelved as images): what a cover or an image post may use. */
function imageUrl(ctx: AreaContext, mediaId: unknown): string | undefined {
  if (typeof mediaId !== 'string') return undefined;
  const found = ctx.library.find(mediaId);
  if (found?.type !== 'image') return undefined;
  return typeof found.item.url === 'string' ? found.item.url : '';
}

/** WeChat's checks of one article: 0, or the errcode it answers. */
function articleErrcode(ctx: AreaContext, a: unknown): number {
  if (!isObject(a) || typeof a.title !== 'string' || typeof a.content !== 'string') return 47001;
  const type = a.article_type ?? 'news';
  if (type === 'news') {
    if (typeof a.thumb_media_id !== 'string') return 47001;
    return imageUrl(ctx, a.thumb_media_id) === undefined ? 40007 : 0;
  }
  if (type !== 'newspic') return 47001;
  const list = isObject(a.image_info) ? a.image_info.image_list : undefined;
  if (!Array.isArray(list) || list.length < 1 || list.length > 20) return 47001;
  const known = list.every((i) => isObject(i) && imageUrl(ctx, i.image_media_id) !== undefined);
  return known ? 0 : 40007;
}

/** The article as stored: what was sent, plus the preview `url` and the cover's `thumb_url`. */
function stored(ctx: AreaContext, a: Article, mediaId: string, idx: number): Article {
  const thumb = imageUrl(ctx, a.thumb_media_id);
  return {
    ...a,
    url: articleUrl(`draft:${mediaId}:${idx}`, 2247483647, idx + 1),
    ...(thumb ? { thumb_url: thumb } : {}),
  };
}

/** The JSON object body, or the errcode of a body that is empty (44002) or not one (47001). */
export function jsonBody(req: FakeRequest): Record<string, unknown> | number {
  const text = req.text();
  if (text.trim() === '') return 44002;
  return parseJsonObject(text) ?? 47001;
}

/** `{ offset, count 1..20, no_content 0|1 }` of the two batchget endpoints, or 47001. */
export function pageQuery(
  json: Record<string, unknown>,
): { offset: number; count: number; noContent: boolean } | number {
  const { offset, count, no_content } = json;
  if (!isIntIn(offset, 0, 2_147_483_647) || !isIntIn(count, 1, 20)) return 47001;
  if (no_content !== undefined && no_content !== 0 && no_content !== 1) return 47001;
  return { offset, count, noContent: no_content === 1 };
}

export const withoutContent = (articles: Article[], noContent: boolean): Article[] =>
  noContent ? articles.map(({ content: _content, ...rest }) => rest) : articles;

function add(ctx: AreaContext, box: DraftBox, json: Record<string, unknown>): Answer {
  const { articles } = json;
  if (!Array.isArray(articles) || articles.length < 1 || articles.length > 8) {
    return errorAnswer(47001);
  }
  for (const a of articles) {
    const errcode = articleErrcode(ctx, a);
    if (errcode !== 0) return errorAnswer(errcode);
  }
  const draft = box.add([]);
  draft.articles = (articles as Article[]).map((a, i) => stored(ctx, a, draft.media_id, i));
  return jsonAnswer({ media_id: draft.media_id });
}

function update(ctx: AreaContext, box: DraftBox, json: Record<string, unknown>): Answer {
  const draft = box.find(json.media_id);
  if (!draft) return errorAnswer(40007);
  const { index, articles } = json;
  if (!isIntIn(index, 0, draft.articles.length - 1)) return errorAnswer(40114);
  const errcode = articleErrcode(ctx, articles);
  if (errcode !== 0) return errorAnswer(errcode);
  draft.articles[index] = stored(ctx, articles as Article, draft.media_id, index);
  draft.update_time = unixNow();
  return jsonAnswer({ errcode: 0, errmsg: 'ok' });
}

function batchGet(box: DraftBox, json: Record<string, unknown>): Answer {
  const q = pageQuery(json);
  if (typeof q === 'number') return errorAnswer(q);
  const item = box.page(q.offset, q.count).map((d) => ({
    media_id: d.media_id,
    content: {
      news_item: withoutContent(d.articles, q.noContent),
      create_time: d.create_time,
      update_time: d.update_time,
    },
    update_time: d.update_time,
  }));
  return jsonAnswer({ total_count: box.size, item_count: item.length, item });
}

type JsonHandler = (json: Record<string, unknown>) => Answer;

/** The draft box: add, get, update, delete, count and batchget, with WeChat's errcodes. */
export function draftsArea(ctx: AreaContext, box: DraftBox): FakeArea {
  const post = (handle: JsonHandler) => (req: FakeRequest) =>
    business(ctx, req, 'POST', () => {
      box.beforeAccess();
      const json = jsonBody(req);
      return typeof json === 'number' ? errorAnswer(json) : handle(json);
    });
  return {
    routes: {
      [DRAFT_PATHS.add]: post((json) => add(ctx, box, json)),
      [DRAFT_PATHS.get]: post((json) => {
        const draft = box.find(json.media_id);
        return draft ? jsonAnswer({ news_item: draft.articles }) : errorAnswer(40007);
      }),
      [DRAFT_PATHS.update]: post((json) => update(ctx, box, json)),
      [DRAFT_PATHS.delete]: post((json) =>
        typeof json.media_id === 'string' && box.remove(json.media_id)
          ? jsonAnswer({ errcode: 0, errmsg: 'ok' })
          : errorAnswer(40007),
      ),
      [DRAFT_PATHS.batchGet]: post((json) => batchGet(box, json)),
      [DRAFT_PATHS.count]: (req) =>
        business(ctx, req, 'ANY', () => {
          box.beforeAccess();
          return jsonAnswer({ total_count: box.size });
        }),
    },
  };
}
