import { errorAnswer, jsonAnswer, parseJsonObject, type Answer } from './answers.js';
import { business, type AreaContext, type FakeArea, type FakeRequest } from './area.js';
import { QUOTA_PATH } from './paths.js';

function quotaGet(ctx: AreaContext, req: FakeRequest): Answer {
  const text = req.text();
  if (text.trim() === '') return errorAnswer(44002);
  const json = parseJsonObject(text);
  if (!json || typeof json.cgi_path !== 'string') return errorAnswer(47001);
  const quota = ctx.quota.report(json.cgi_path);
  if (!quota) return errorAnswer(76021);
  return jsonAnswer({ errcode: 0, errmsg: 'ok', quota });
}

/** `/cgi-bin/openapi/quota/get`: what is left of a path's daily limit. */
export function quotaArea(ctx: AreaContext): FakeArea {
  return {
    routes: {
      [QUOTA_PATH]: (req) => business(ctx, req, 'POST', () => quotaGet(ctx, req)),
    },
  };
}
