import type { AreaContext, FakeArea } from './area.js';
import { STABLE_TOKEN_PATH, TOKEN_PATH } from './paths.js';

/** The two token endpoints: classic `token` (GET) and `stable_token` (POST JSON). */
export function tokenArea(ctx: AreaContext): FakeArea {
  return {
    routes: {
      [TOKEN_PATH]: (req) => ctx.tokens.classic(req.query),
      [STABLE_TOKEN_PATH]: (req) => ctx.tokens.stable(req.method, req.query, req.text()),
    },
  };
}
