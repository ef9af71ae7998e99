import type { Readable } from 'node:stream';
import { filenameFromContentDisposition } from './content-disposition.js';
import { GuardedBody, type GuardOptions } from './guarded-body.js';

/** A file answer, handed over as the bytes arrive. */
export interface DownloadedFile {
  stream: Readable;
  contentType?: string;
  filename?: string;
  contentLength?: number;
}

export type DownloadRead =
  | { kind: 'json'; text: string }
  | { kind: 'file'; file: DownloadedFile }
  /** Empty, blank, or a JSON-looking body past the size cap: not a usable answer. */
  | { kind: 'unusable' };

type Headers = Record<string, unknown>;

const header = (headers: Headers, name: string): string | undefined => {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : undefined;
};

/** JSON, text or no content type: the body decides. Anything else is a file, unread. */
const mayBeJson = (contentType: string | undefined): boolean => {
  const t = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return t === '' || t.startsWith('text/') || t === 'application/json' || t.endsWith('+json');
};

/** Index of the first byte that is not blank (whitespace or a UTF-8 BOM), or -1. */
function firstNonBlank(chunk: Buffer, atStart: boolean): number {
  let i = atStart && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? 3 : 0;
  for (; i < chunk.length; i++) {
    const b = chunk[i]!;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return i;
  }
  return -1;
}

/** Reads chunks until one holds a non-blank byte or the body ends; nothing is lost. */
function peek(stream: Readable, head: Buffer[]): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const done = (v: number | undefined, err?: unknown) => {
      stream.off('readable', onReadable).off('end', onEnd).off('error', onError);
      if (err !== undefined) reject(err);
      else resolve(v);
    };
    const onReadable = () => {
      for (let c = stream.read() as Buffer | null; c !== null; c = stream.read() as Buffer | null) {
        head.push(c);
        const at = firstNonBlank(c, head.length === 1);
        if (at >= 0) return done(c[at]!);
      }
    };
    const onEnd = () => done(undefined);
    const onError = (err: unknown) => done(undefined, err ?? new Error('body failed'));
    stream.on('readable', onReadable).on('end', onEnd).on('error', onError);
  });
}

/** The rest of a JSON body as text, unless it grows past maxBytes. */
async function readText(stream: Readable, head: Buffer[], maxBytes: number) {
  let size = head.reduce((n, c) => n + c.length, 0);
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return undefined;
    head.push(chunk as Buffer);
  }
  return Buffer.concat(head).toString('utf8');
}

/**
 * Decides what a 2xx download answer is, by the body AND the header, never by the
 * media_id: JSON when the first non-blank byte is `{` and the content type is JSON, text
 * or missing (then read whole, within the caller's deadline); otherwise a file, handed
 * over unbuffered behind an idle guard. Rejects when the body fails while peeked or read.
 */
export async function readDownload(
  body: Readable,
  headers: Headers,
  opts: GuardOptions & { maxJsonBytes: number },
): Promise<DownloadRead> {
  const contentType = header(headers, 'content-type');
  const head: Buffer[] = [];
  if (mayBeJson(contentType)) {
    const first = await peek(body, head);
    if (first === undefined) return { kind: 'unusable' };
    if (first === 0x7b /* { */) {
      const text = await readText(body, head, opts.maxJsonBytes);
      if (text === undefined) body.destroy();
      return text === undefined ? { kind: 'unusable' } : { kind: 'json', text };
    }
  }
  const file: DownloadedFile = { stream: new GuardedBody(body, head, opts) };
  if (contentType) file.contentType = contentType;
  const filename = filenameFromContentDisposition(headers['content-disposition']);
  if (filename) file.filename = filename;
  const length = Number(header(headers, 'content-length'));
  const encoded = header(headers, 'content-encoding');
  if (Number.isSafeInteger(length) && length >= 0 && (!encoded || encoded === 'identity')) {
    file.contentLength = length;
  }
  return { kind: 'file', file };
}
