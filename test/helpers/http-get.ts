import { send } from './media-http.js';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The whole body, read to the end (an NDJSON stream included). */
  text: string;
  /** The body parsed, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * GET over a fresh connection (no keep-alive agent that would outlive the test), the body as
 * text. Rejects when no byte comes for `timeoutMs` or the body breaks off (use `send` from
 * media-http.ts to look at a broken body instead).
 */
export async function httpGet(url: string, timeoutMs = 10_000): Promise<HttpAnswer> {
  const answer = await send('GET', url, { idleMs: timeoutMs });
  if (!answer.complete) throw new Error(`GET ${url}: the body broke off`);
  return {
    status: answer.status,
    headers: answer.headers,
    text: answer.body.toString('utf8'),
    json: answer.json,
  };
}
