import { WechatValidationException } from '../errors/wechat-validation.exception.js';
import { oneOfHint } from '../errors/messages.js';
import { Problems } from '../shared/validate.js';
import { walkOptionProblems, walkPages } from '../paging/page-walker.js';
import type {
  BatchGetMaterialQuery,
  FileMaterialItem,
  FileMaterialPage,
  IterateMaterialsOptions,
  MaterialType,
  NewsMaterialItem,
  NewsMaterialPage,
} from './material.types.js';
import { MATERIAL_TYPES } from './material.types.js';

type Item = NewsMaterialItem | FileMaterialItem;
type Page = NewsMaterialPage | FileMaterialPage;
export type PageFetcher = (q: BatchGetMaterialQuery, signal: AbortSignal) => Promise<Page>;

/**
 * Every item of one type, each media_id once, in WeChat's order: the generic page walker
 * over `batchget_material`. A bad type and bad options are reported together.
 */
export async function* iterateMaterials(
  fetchPage: PageFetcher,
  type: MaterialType,
  options: IterateMaterialsOptions = {},
): AsyncGenerator<Item, void, undefined> {
  const opts: IterateMaterialsOptions = options ?? {};
  const problems = new Problems().check(
    MATERIAL_TYPES.includes(type),
    'type',
    oneOfHint(MATERIAL_TYPES),
  );
  problems.list.push(...walkOptionProblems(opts).list);
  if (!problems.empty) throw new WechatValidationException(problems.messages());
  yield* walkPages<Item>(
    (offset, count, signal) => fetchPage({ type, offset, count }, signal),
    (item) => item.media_id,
    opts,
  );
}
