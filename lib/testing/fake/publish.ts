import { randomBytes } from 'node:crypto';
import { errorAnswer, jsonAnswer, JSON_TYPE, type Answer } from './answers.js';
import { business, type AreaContext, type FakeArea, type FakeRequest } from './area.js';
import { articleUrl } from './generate.js';
import {
  isIntIn,
  isObject,
  pageQuery,
  unixNow,
  withoutContent,
  type Article,
  type DraftBox,
} from './drafts.js';
import { PUBLISH_PATHS } from './paths.js';

/** publish_status of a job that ends badly: 2..6 (originality, failed, rejected, deleted, banned). */
export type FakePublishFailure = 2 | 3 | 4 | 5 | 6;

interface Job {
  publishId: string;
  draftId: string;
  endsAt: number;
  /** publish_status once the job ended; the answer fields that go with it. */
  ended?: { status: number; articleId?: string; urls?: string[]; failIdx: number[] };
}

interface Publication {
  article_id: string;
  news_item: Article[];
  create_time: number;
  update_time: number;
}

/**
 * Ids WeChat sends as bare JSON numbers: every other one beyond 2^53 (9007199254740992) and
 * odd, so a client that parses them as numbers loses the last digits; the rest beyond 2^31.
 */
function publishIdOf(seq: number): bigint {
  return seq % 2 === 1 ? 9_007_199_254_740_993n + BigInt(seq) * 2n : 2_247_483_648n + BigInt(seq);
}

/** JSON with the named fields written as bare numbers, as WeChat writes publish ids. */
function bareIdAnswer(value: Record<string, unknown>, keys: readonly string[]): Answer {
  let body = JSON.stringify(value);
  for (const key of keys) body = body.replace(new RegExp(`"${key}":"(\\d+)"`), `"${key}":$1`);
  return { status: 200, contentType: JSON_TYPE, body };
}

/** Clients may send ids back as strings or numbers: a bare number is read with every digit. */
function readIds(text: string): Record<string, unknown> | number {
  if (text.trim() === '') return 44002;
  const quoted = text.replace(
    /([{,]\s*"(?:publish_id|article_id)"\s*:\s*)(-?\d+)(?=\s*[,}])/g,
    '$1"$2"',
  );
  try {
    const value: unknown = JSON.parse(quoted);
    return isObject(value) ? value : 47001;
  } catch {
    return 47001;
  }
}

/** Publish jobs and publications; a job's outcome is settled when the next call looks. */
export class PublishDesk {
  private readonly jobs = new Map<string, Job>();
  private readonly failures = new Map<string, { status: number; failIdx: number[] }>();
  private readonly publications: Publication[] = [];
  private seq = 0;

  constructor(
    private readonly box: DraftBox,
    private readonly delayMs: number,
  ) {
    box.beforeAccess = () => this.settle();
  }

  failPublish(draftMediaId: string, status: FakePublishFailure, failIdx: number[] = []): void {
    if (!isIntIn(status, 2, 6))
      throw new RangeError('FakeWechatServer: failPublish status must be 2..6');
    if (!Array.isArray(failIdx) || !failIdx.every((i) => isIntIn(i, 1, 8))) {
      throw new RangeError('FakeWechatServer: failPublish failIdx must list article numbers 1..8');
    }
    this.failures.set(draftMediaId, { status, failIdx: [...failIdx] });
  }

  submit(draftId: unknown): Answer {
    if (typeof draftId !== 'string' || !this.box.find(draftId)) return errorAnswer(40007);
    this.seq++;
    const publishId = publishIdOf(this.seq).toString();
    this.jobs.set(publishId, { publishId, draftId, endsAt: Date.now() + this.delayMs });
    const msgDataId = publishIdOf(this.seq + 1).toString();
    return bareIdAnswer(
      { errcode: 0, errmsg: 'ok', publish_id: publishId, msg_data_id: msgDataId },
      ['publish_id', 'msg_data_id'],
    );
  }

  status(publishId: unknown): Answer {
    this.settle();
    const job = typeof publishId === 'string' ? this.jobs.get(publishId) : undefined;
    if (!job) return errorAnswer(40007);
    const e = job.ended;
    const body: Record<string, unknown> = {
      publish_id: job.publishId,
      publish_status: e?.status ?? 1,
    };
    if (e?.articleId) {
      body.article_id = e.articleId;
      body.article_detail = {
        count: e.urls!.length,
        item: e.urls!.map((article_url, i) => ({ idx: i + 1, article_url })),
      };
    }
    body.fail_idx = e?.failIdx ?? [];
    return bareIdAnswer(body, ['publish_id']);
  }

  /** Ends the jobs whose time has come: success publishes the draft, a failure leaves it. */
  settle(): void {
    const now = Date.now();
    for (const job of this.jobs.values()) {
      if (job.ended || now < job.endsAt) continue;
      const failure = this.failures.get(job.draftId);
      const draft = this.box.find(job.draftId);
      if (failure) {
        this.failures.delete(job.draftId);
        job.ended = { status: failure.status, failIdx: failure.failIdx };
      } else if (!draft) {
        job.ended = { status: 3, failIdx: [] }; // deleted before the job ran
      } else {
        job.ended = { status: 0, ...this.publish(draft.media_id, draft.articles), failIdx: [] };
      }
    }
  }

  private publish(draftId: string, articles: Article[]): { articleId: string; urls: string[] } {
    const articleId = randomBytes(24).toString('base64url');
    const mid = 2_247_483_648 + this.seq;
    const news_item = articles.map((a, i) => ({
      ...a,
      url: articleUrl(`article:${articleId}:${i}`, mid, i + 1),
      is_deleted: false,
    }));
    const now = unixNow();
    this.publications.unshift({
      article_id: articleId,
      news_item,
      create_time: now,
      update_time: now,
    });
    this.box.remove(draftId);
    return { articleId, urls: news_item.map((a) => a.url) };
  }

  find(articleId: unknown): Publication | undefined {
    this.settle();
    return this.publications.find((p) => p.article_id === articleId);
  }

  /** Listed: publications with at least one article not deleted. */
  listed(): Publication[] {
    this.settle();
    return this.publications.filter((p) => p.news_item.some((a) => a.is_deleted !== true));
  }
}

function remove(desk: PublishDesk, json: Record<string, unknown>): Answer {
  const publication = desk.find(json.article_id);
  if (!publication) return errorAnswer(53600);
  const { index } = json;
  // WeChat reads 0 (or no index) as "the whole set"; otherwise a 1-based article number.
  if (index === undefined || index === 0) {
    for (const a of publication.news_item) a.is_deleted = true;
  } else if (isIntIn(index, 1, publication.news_item.length)) {
    publication.news_item[index - 1]!.is_deleted = true;
  } else {
    return errorAnswer(40114);
  }
  publication.update_time = unixNow();
  return jsonAnswer({ errcode: 0, errmsg: 'ok' });
}

function batchGet(desk: PublishDesk, json: Record<string, unknown>): Answer {
  const q = pageQuery(json);
  if (typeof q === 'number') return errorAnswer(q);
  const listed = desk.listed();
  const item = listed.slice(q.offset, q.offset + q.count).map((p) => ({
    article_id: p.article_id,
    content: {
      news_item: withoutContent(p.news_item, q.noContent),
      create_time: p.create_time,
      update_time: p.update_time,
    },
    update_time: p.update_time,
  }));
  return jsonAnswer({ total_count: listed.length, item_count: item.length, item });
}

/** Publishing: submit, get, delete, getarticle and batchget, with WeChat's errcodes. */
export function publishArea(ctx: AreaContext, box: DraftBox) {
  const desk = new PublishDesk(box, ctx.options.publishDelayMs);
  const post = (handle: (json: Record<string, unknown>) => Answer) => (req: FakeRequest) =>
    business(ctx, req, 'POST', () => {
      const json = readIds(req.text());
      return typeof json === 'number' ? errorAnswer(json) : handle(json);
    });
  const area: FakeArea = {
    routes: {
      [PUBLISH_PATHS.submit]: post((json) => desk.submit(json.media_id)),
      [PUBLISH_PATHS.get]: post((json) => desk.status(json.publish_id)),
      [PUBLISH_PATHS.delete]: post((json) => remove(desk, json)),
      [PUBLISH_PATHS.getArticle]: post((json) => {
        const p = desk.find(json.article_id);
        return p ? jsonAnswer({ news_item: p.news_item }) : errorAnswer(53600);
      }),
      [PUBLISH_PATHS.batchGet]: post((json) => batchGet(desk, json)),
    },
  };
  return Object.assign(area, {
    failPublish: (id: string, status: FakePublishFailure, failIdx?: number[]) =>
      desk.failPublish(id, status, failIdx),
  });
}
