import { JSON_TYPE, errorAnswer, materialAnswer, type Answer } from './answers.js';
import { HTML_PAGE, NGINX_502, NGINX_504 } from './errmsg.js';
import { hash, prng } from './generate.js';
import { defaultItems } from './library-data.js';
import { isTokenPath } from './paths.js';
import { mintTokenString } from './tokens.js';

/**
 * A failure the fake answers with instead of the normal answer.
 *
 * - `{ errcode, errmsg? }`: HTTP 200 JSON errcode answer (errmsg defaults to WeChat's text), with a `rid`.
 * - `'timeout'`: the request is held unanswered until the client gives up or `stop()` is called.
 * - `'reset'`: the socket is reset (TCP RST) without an answer.
 * - `'html502'` / `'html504'`: an nginx-style HTML error page with that HTTP status, as gateways send.
 * - `'not_json'`: HTTP 200 with an HTML page.
 * - `'truncated_json'`: HTTP 200 with a JSON body cut in the middle.
 * - `'empty'`: HTTP 200 with an empty body.
 * - `'reset_body'`: the normal answer's status and headers (its full Content-Length), part of
 *   its body, then a reset socket.
 * - `'stall_body'`: the same, but the rest never comes: held until the client gives up or
 *   `stop()` is called.
 */
export type FakeFault =
  | { errcode: number; errmsg?: string }
  | 'timeout'
  | 'reset'
  | 'html502'
  | 'html504'
  | 'not_json'
  | 'truncated_json'
  | 'empty'
  | 'reset_body'
  | 'stall_body';

/** How a fault plays out on the wire; the server carries it out. */
export type FaultPlan =
  | { kind: 'answer'; answer: Answer }
  | { kind: 'hold' }
  | { kind: 'reset' }
  /** the normal answer, cut after its headers and part of its body */
  | { kind: 'cut'; then: 'reset' | 'stall' };

interface RatioRule {
  ratio: number;
  fault: FakeFault;
}

/** The faults scheduled per path: queued ones first, then ratio draws. */
export class FaultBook {
  private readonly queued = new Map<string, { fault: FakeFault; remaining: number }[]>();
  private readonly ratios = new Map<string, { rules: RatioRule[]; rand: () => number }>();

  failNext(path: string, fault: FakeFault, times: number): void {
    if (!Number.isInteger(times) || times < 0) {
      throw new RangeError('FakeWechatServer: times must be an integer >= 0');
    }
    if (times === 0) return;
    const queue = this.queued.get(path) ?? [];
    queue.push({ fault, remaining: times });
    this.queued.set(path, queue);
  }

  /** Draws come from a PRNG seeded by the path: the same requests fault on every run. */
  failRatio(path: string, ratio: number, fault: FakeFault): void {
    if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
      throw new RangeError('FakeWechatServer: ratio must be between 0 and 1');
    }
    const entry = this.ratios.get(path) ?? { rules: [], rand: prng(hash(path)) };
    entry.rules.push({ ratio, fault });
    this.ratios.set(path, entry);
  }

  clear(): void {
    this.queued.clear();
    this.ratios.clear();
  }

  /** The fault for the request that just arrived on `path`, if any (consumes a queued one). */
  take(path: string): FakeFault | undefined {
    const queue = this.queued.get(path);
    const head = queue?.[0];
    if (queue && head) {
      head.remaining--;
      if (head.remaining <= 0) queue.shift();
      if (queue.length === 0) this.queued.delete(path);
      return head.fault;
    }
    const ratio = this.ratios.get(path);
    if (ratio) {
      // One draw per request, walked through the rules: each gets exactly its share.
      const draw = ratio.rand();
      let edge = 0;
      for (const rule of ratio.rules) {
        edge += rule.ratio;
        if (draw < edge) return rule.fault;
      }
    }
    return undefined;
  }
}

/** What a normal answer on `path` looks like, without the side effects of producing it. */
function sampleBody(path: string): string {
  if (isTokenPath(path)) {
    return JSON.stringify({ access_token: mintTokenString(), expires_in: 7200 });
  }
  const item = defaultItems().image[0];
  return String(materialAnswer({ item: [item], total_count: 1, item_count: 1 }).body);
}

export function planFault(fault: FakeFault, path: string): FaultPlan {
  if (typeof fault === 'object')
    return { kind: 'answer', answer: errorAnswer(fault.errcode, fault.errmsg) };
  switch (fault) {
    case 'timeout':
      return { kind: 'hold' };
    case 'reset':
      return { kind: 'reset' };
    case 'reset_body':
      return { kind: 'cut', then: 'reset' };
    case 'stall_body':
      return { kind: 'cut', then: 'stall' };
    case 'html502':
      return { kind: 'answer', answer: { status: 502, contentType: 'text/html', body: NGINX_502 } };
    case 'html504':
      return { kind: 'answer', answer: { status: 504, contentType: 'text/html', body: NGINX_504 } };
    case 'not_json':
      return {
        kind: 'answer',
        answer: { status: 200, contentType: 'text/html; charset=utf-8', body: HTML_PAGE },
      };
    case 'truncated_json': {
      // Content-Length matches the cut body: a complete HTTP answer whose JSON is broken.
      const whole = sampleBody(path);
      return {
        kind: 'answer',
        answer: {
          status: 200,
          contentType: JSON_TYPE,
          body: whole.slice(0, Math.floor(whole.length / 2)),
        },
      };
    }
    case 'empty':
      return { kind: 'answer', answer: { status: 200, contentType: JSON_TYPE, body: '' } };
    default:
      return { kind: 'answer', answer: errorAnswer(-1) };
  }
}
