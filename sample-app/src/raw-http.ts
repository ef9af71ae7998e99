import type { IncomingMessage, ServerResponse } from 'node:http';

// Routes that stream (NDJSON export, uploads, downloads) work on Node's own request and
// response: Express passes them as they are, Fastify wraps them as `raw`.

/** The Node request behind `@Req()`, on Express or Fastify. */
export function rawRequest(req: unknown): IncomingMessage {
  const candidate =
    typeof req === 'object' && req !== null && 'raw' in req ? (req as { raw: unknown }).raw : req;
  if (typeof candidate === 'object' && candidate !== null && 'headers' in candidate) {
    return candidate as IncomingMessage;
  }
  throw new TypeError('not an HTTP request: this route needs Express or Fastify');
}

/** The Node response behind `@Res()`, on Express or Fastify. */
export function rawResponse(res: unknown): ServerResponse | undefined {
  const candidate =
    typeof res === 'object' && res !== null && 'raw' in res ? (res as { raw: unknown }).raw : res;
  return typeof candidate === 'object' && candidate !== null && 'writableFinished' in candidate
    ? (candidate as ServerResponse)
    : undefined;
}
