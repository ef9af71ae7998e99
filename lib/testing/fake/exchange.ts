import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Answer } from './answers.js';
import { NGINX_413 } from './errmsg.js';
import { LARGEST_UPLOAD_BYTES } from './media-files.js';

/**
 * The largest body the fake reads: WeChat's largest upload (10 MB, image and video) plus 1 MB
 * for the multipart framing and fields, so the fake itself can answer an upload that is a
 * little too big with WeChat's errcode.
 */
export const MAX_BODY_BYTES = LARGEST_UPLOAD_BYTES + 1024 * 1024;

/** A cut answer sends at most this much of its body before the fault. */
const CUT_MAX_BYTES = 16 * 1024;

/** Pathname and query of a request URL; odd query strings never throw. */
export function splitUrl(rawUrl: string): { path: string; query: URLSearchParams } {
  const q = rawUrl.indexOf('?');
  const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
  return { path, query: new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1)) };
}

/** Reads the whole body as bytes; past `limit` answers 413 and closes, as nginx does. */
export function readBody(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
  done: (body: Buffer) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    if (tooLarge) return;
    size += chunk.length;
    if (size > limit) {
      // Like nginx's client_max_body_size: answer and close rather than buffer without bound.
      tooLarge = true;
      chunks.length = 0;
      send(res, { status: 413, contentType: 'text/html', body: NGINX_413, close: true });
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (!tooLarge) done(Buffer.concat(chunks, size));
  });
}

/** Writes status and headers; the body to send, or undefined when the response is gone. */
function writeHead(res: ServerResponse, answer: Answer): Buffer | undefined {
  if (res.destroyed || res.headersSent || res.writableEnded) return undefined;
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body;
  res.writeHead(answer.status, {
    ...answer.headers,
    'Content-Type': answer.contentType,
    'Content-Length': body.length,
    ...(answer.close ? { Connection: 'close' } : {}),
  });
  return body;
}

export function send(res: ServerResponse, answer: Answer): void {
  const body = writeHead(res, answer);
  if (body) res.end(body);
}

/**
 * Sends the status, the headers (with the whole Content-Length) and part of the body, then
 * calls `after` once that part is with the kernel: the client has seen a good start.
 */
export function sendCut(res: ServerResponse, answer: Answer, after: () => void): void {
  const body = writeHead(res, answer);
  if (!body) return;
  const part = body.subarray(0, Math.min(Math.floor(body.length / 2), CUT_MAX_BYTES));
  if (part.length === 0) {
    // Nothing to cut: headers only. (flushHeaders() writes them as UTF-8, not latin1, so it
    // is kept for this case; with a Buffer chunk Node writes raw header bytes.)
    res.flushHeaders();
    setImmediate(after);
    return;
  }
  res.write(part, () => setImmediate(after));
}

/** RST, so clients see ECONNRESET rather than a clean close (TLS sockets can only be destroyed). */
export function resetSocket(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}
