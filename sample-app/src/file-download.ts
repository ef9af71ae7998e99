import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { type Logger, StreamableFile } from '@nestjs/common';
import type { MaterialFileContent } from '../../lib/index.js';
import { rawResponse } from './raw-http.js';

/**
 * A file from WeChat as the route's answer, streamed through as it arrives.
 *
 * The status line can only say how the transfer went while nothing has been sent. So the
 * first chunk is awaited here: a failure before it rejects, and the exception filter answers
 * as for any call (504 for a timeout, 502 otherwise). A failure after it (WeChat resets or
 * stalls mid-body) destroys the response: the client sees a broken transfer (a missing
 * chunk terminator or fewer bytes than Content-Length), never a clean 200 with a short file.
 */
export async function streamFile(
  content: MaterialFileContent,
  res: unknown,
  logger: Logger,
  label: string,
): Promise<StreamableFile> {
  const { stream } = content;
  const response = rawResponse(res);
  // A client that leaves while WeChat is slow to send the first bytes frees that connection
  // now, not after transferTimeoutMs. (Once the stream is handed over, the adapters do this.)
  response?.once('close', () => stream.destroy());
  await firstChunk(stream);
  let abortLogged = false;
  const abort = (error: Error, target: ServerResponse | undefined = response) => {
    if (!abortLogged) {
      abortLogged = true;
      logger.warn(`Download of ${label} aborted mid-body: ${error.message}`);
    }
    target?.destroy();
  };
  stream.once('error', (error) => abort(error));
  const file = new StreamableFile(stream, {
    type: content.contentType ?? 'application/octet-stream',
    disposition: contentDisposition(content.filename),
    ...(content.contentLength !== undefined ? { length: content.contentLength } : {}),
  });
  // Express hands stream errors to this handler (Fastify breaks the connection itself): the
  // failure is logged once, as a warning naming the download, not as an error with a stack.
  file.setErrorHandler((error, target) => abort(error, rawResponse(target)));
  file.setErrorLogger(() => undefined); // logged once by `abort`
  return file;
}

/**
 * Resolves once the stream holds its first chunk (put back unread), ended or was closed (the
 * client left: the adapter then drops it); rejects on error.
 */
function firstChunk(stream: Readable): Promise<void> {
  if (stream.readableLength > 0 || stream.readableEnded) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      stream.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onData = (chunk: Buffer) => {
      stream.pause();
      stream.unshift(chunk);
      settle();
    };
    const onEnd = () => settle();
    const onError = (error: Error) => settle(error);
    // 'error' before 'close': a failed stream rejects, a destroyed one resolves.
    stream.on('data', onData).once('end', onEnd).once('error', onError).once('close', onEnd);
  });
}

/**
 * `attachment; filename="…"`, plus `filename*=UTF-8''…` (RFC 6266 / 8187) for a name that is
 * not plain ASCII: clients that know it show the Chinese name, the others an ASCII stand-in.
 */
export function contentDisposition(filename: string | undefined): string {
  if (!filename) return 'attachment';
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  if (ascii === filename) return `attachment; filename="${filename}"`;
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
