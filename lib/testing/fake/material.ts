import { errorAnswer, materialAnswer, parseJsonObject, type Answer } from './answers.js';
import { business, type AreaContext, type FakeArea, type FakeRequest } from './area.js';
import { isMaterialType } from './library.js';
import { BATCHGET_PATH, COUNT_PATH } from './paths.js';

function batchGet(ctx: AreaContext, req: FakeRequest): Answer {
  const text = req.text();
  if (text.trim() === '') return errorAnswer(44002);
  const json = parseJsonObject(text);
  if (!json) return errorAnswer(47001);
  // Type first (40004), then the ranges: WeChat answers 47001 for an offset that is not an
  // integer >= 0 or a count outside 1..20, numeric strings included.
  if (!isMaterialType(json.type)) return errorAnswer(40004);
  const { offset, count } = json;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
    return errorAnswer(47001);
  }
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 20) {
    return errorAnswer(47001);
  }
  const item = ctx.library.page(json.type, offset, count);
  return materialAnswer({
    item,
    total_count: ctx.library.count(json.type),
    item_count: item.length,
  });
}

function materialCount(ctx: AreaContext): Answer {
  const { library } = ctx;
  return materialAnswer({
    voice_count: library.count('voice'),
    video_count: library.count('video'),
    image_count: library.count('image'),
    news_count: library.count('news'),
  });
}

/** Listing the permanent library: batchget_material and get_materialcount (GET or POST). */
export function materialArea(ctx: AreaContext): FakeArea {
  return {
    routes: {
      [BATCHGET_PATH]: (req) => business(ctx, req, 'POST', () => batchGet(ctx, req)),
      [COUNT_PATH]: (req) => business(ctx, req, 'ANY', () => materialCount(ctx)),
    },
  };
}
