import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { UploadSource } from './upload-source.js';

/** A request body that can be sent again: fresh bytes for every attempt, known length. */
export interface ReplayableBody {
  readonly headers: Readonly<Record<string, string>>;
  open(): Readable;
}

export interface MultipartFilePart {
  name: string;
  filename: string;
  contentType: string;
  source: UploadSource;
}

const CRLF = '\r\n';

/**
 * The WHATWG form-data escaping of quoted header parameters, as browsers and curl send
 * filenames: the name itself stays raw UTF-8 (what WeChat reads, Chinese names included).
 */
const quote = (value: string): string =>
  value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

async function* frames(
  head: Buffer,
  source: UploadSource,
  tail: Buffer,
): AsyncGenerator<Uint8Array> {
  yield head;
  let sent = 0;
  for await (const chunk of source.open()) {
    sent += chunk.byteLength;
    yield chunk;
  }
  // A file changed on disk since it was measured: the Content-Length would lie.
  if (sent !== source.size) throw new Error('upload source changed size while it was sent');
  yield tail;
}

/**
 * multipart/form-data with text fields first (streaming parsers see them before the file)
 * and one file part streamed from its source, with an exact Content-Length: never chunked,
 * never whole in memory (only the small head and tail are).
 */
export function multipartBody(
  fields: readonly { name: string; value: string }[],
  file: MultipartFilePart,
): ReplayableBody {
  const boundary = `----WechatMaterial${randomBytes(16).toString('hex')}`;
  let head = '';
  for (const f of fields) {
    head += `--${boundary}${CRLF}Content-Disposition: form-data; name="${quote(f.name)}"${CRLF}${CRLF}`;
    head += `${f.value}${CRLF}`;
  }
  head +=
    `--${boundary}${CRLF}` +
    `Content-Disposition: form-data; name="${quote(file.name)}"; filename="${quote(file.filename)}"${CRLF}` +
    `Content-Type: ${file.contentType}${CRLF}${CRLF}`;
  const headBytes = Buffer.from(head, 'utf8');
  const tailBytes = Buffer.from(`${CRLF}--${boundary}--${CRLF}`, 'utf8');
  const length = headBytes.length + file.source.size + tailBytes.length;
  return {
    headers: Object.freeze({
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
      'Content-Length': String(length),
    }),
    open: () => Readable.from(frames(headBytes, file.source, tailBytes), { objectMode: false }),
  };
}
