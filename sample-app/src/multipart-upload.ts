import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { BadRequestException, type INestApplication } from '@nestjs/common';
import busboy, { type Busboy, type FileInfo } from 'busboy';

/** The form part that carries the file, as WeChat names it. */
export const FILE_FIELD = 'media';

/** The file part of a form, handed over while it streams in. */
export interface UploadedFile {
  filename: string;
  contentType?: string;
  stream: Readable;
}

export interface UploadForm<T> {
  /**
   * Fields that must come before the file part. A streamed form cannot look ahead: the file
   * is on its way to WeChat before anything after it has been read.
   */
  fieldsBeforeFile: readonly string[];
  /** Called once with the file part (still streaming) and the fields read before it. */
  onFile(file: UploadedFile, fields: Record<string, string>): Promise<T>;
}

const MAX_FIELD_BYTES = 64 * 1024;

// busboy reports text/plain for a part without a Content-Type, and curl sends
// application/octet-stream for extensions it does not know (.mp4, .amr…): for those the
// library picks the type from the extension (video/mp4, audio/amr…), as WeChat expects.
const SPECIFIC_TYPE = /^(?!text\/plain$|application\/octet-stream$)[\w.+-]+\/[\w.+-]+$/i;

// Form errors answer 400 in ValidationPipe's format: one string per problem, starting with
// the field it is about.
export const formMessages = {
  notMultipart: (): string =>
    `${FILE_FIELD} must be sent as multipart/form-data with a file part named "${FILE_FIELD}"`,
  missingFile: (): string =>
    `${FILE_FIELD} must be a file part (with a filename) of the multipart form`,
  fieldAfterFile: (field: string): string =>
    `${field} must come before ${FILE_FIELD} in the form (the file is streamed as it arrives)`,
  unexpectedFile: (): string => `${FILE_FIELD} must be the only file part of the form`,
  tooLong: (field: string): string => `${field} must not be longer than ${MAX_FIELD_BYTES} bytes`,
  malformed: (): string => `${FILE_FIELD} must be sent in a complete multipart/form-data body`,
};

/**
 * Reads a multipart form from the raw Node request (Express and Fastify alike) with busboy,
 * and hands the `media` part to `form.onFile` as a stream: the file is never whole in memory
 * here. Form errors (no file, fields after it, not multipart, a broken body) reject with a
 * 400 before `onFile` runs, so nothing reaches WeChat. The request is always read to its end
 * before the promise settles, so that the answer never races the upload still coming in.
 */
export async function receiveUpload<T>(req: IncomingMessage, form: UploadForm<T>): Promise<T> {
  let parser: Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // Browsers and curl send non-ASCII filenames as raw UTF-8 bytes (busboy assumes latin1).
      defParamCharset: 'utf8',
      limits: { files: 1, fields: 16, parts: 32, fieldSize: MAX_FIELD_BYTES },
    });
  } catch {
    // busboy refuses anything but multipart/form-data (and a boundary).
    await drain(req);
    throw badForm(formMessages.notMultipart());
  }
  return new UploadSession(req, parser, form).run();
}

class UploadSession<T> {
  private readonly fields: Record<string, string> = {};
  private formError?: string;
  private parseError?: unknown;
  private upload?: Promise<T>;
  private abandoned = false;
  private fileArrived!: () => void;

  constructor(
    private readonly req: IncomingMessage,
    private readonly parser: Busboy,
    private readonly form: UploadForm<T>,
  ) {}

  async run(): Promise<T> {
    const fileArrived = new Promise<'file'>(
      (resolve) => (this.fileArrived = () => resolve('file')),
    );
    this.parser.on('field', (name, value, info) => this.onField(name, value, info.valueTruncated));
    this.parser.on('file', (name, stream, info) => this.onFile(name, stream, info));
    this.parser.on('error', (error) => {
      if (!this.abandoned) this.parseError ??= error;
    });
    const parsed = finished(this.parser).then(
      () => 'parsed' as const,
      () => 'parsed' as const,
    );
    this.req.once('error', (error) => this.parser.destroy(error));
    // A client that goes away mid-upload: end the file part with an error, so the spooling
    // in the library stops and deletes its temporary file instead of waiting forever.
    this.req.once('close', () => {
      if (!this.req.complete) this.parser.destroy(new Error('the client closed the upload'));
    });
    this.req.pipe(this.parser);

    await Promise.race([parsed, fileArrived]);
    if (!this.upload) {
      // The form ended without a file handed over.
      if (this.parseError !== undefined && this.formError === undefined) {
        throw badForm(formMessages.malformed());
      }
      throw badForm(this.formError ?? formMessages.missingFile());
    }
    try {
      const result = await this.upload;
      // WeChat holds the file now: whatever follows it in the form cannot undo that.
      await parsed;
      return result;
    } catch (error) {
      await this.abandon();
      if (this.parseError !== undefined) throw badForm(formMessages.malformed());
      throw error;
    }
  }

  private onField(name: string, value: string, truncated: boolean): void {
    if (this.upload) return; // fields after the file are not used
    if (name === FILE_FIELD) {
      // A part without a filename: busboy reads it as a text field.
      this.formError ??= formMessages.missingFile();
    } else if (truncated) {
      this.formError ??= formMessages.tooLong(name);
    } else {
      this.fields[name] = value;
    }
  }

  private onFile(name: string, stream: Readable, info: FileInfo): void {
    // Errors reach whoever reads the part; this keeps one that nobody reads from crashing.
    stream.on('error', () => undefined);
    const missing = this.form.fieldsBeforeFile.find((field) => !(field in this.fields));
    if (name !== FILE_FIELD) this.formError ??= formMessages.unexpectedFile();
    else if (missing !== undefined) this.formError ??= formMessages.fieldAfterFile(missing);
    if (this.formError !== undefined) {
      stream.resume(); // skip it: the form is refused once it has been read
      return;
    }
    const file: UploadedFile = {
      filename: info.filename ?? '',
      ...(SPECIFIC_TYPE.test(info.mimeType) ? { contentType: info.mimeType } : {}),
      stream,
    };
    this.upload = this.form.onFile(file, { ...this.fields });
    // Marks the promise as handled now; `run` awaits it and sees the outcome.
    this.upload.catch(() => undefined);
    this.fileArrived();
  }

  /**
   * Stops parsing and reads what is left of the request. Needed when the library refused the
   * file before its end (a bad extension, too large): it stopped reading the part, so busboy
   * would wait forever.
   */
  private async abandon(): Promise<void> {
    this.abandoned = true;
    this.req.unpipe(this.parser);
    this.parser.destroy();
    await drain(this.req);
  }
}

/** Reads and drops the rest of a request; resolves once it ended or its connection closed. */
function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    req.once('end', resolve);
    req.once('close', resolve);
    req.once('error', () => resolve());
    req.resume();
  });
}

function badForm(message: string): BadRequestException {
  return new BadRequestException([message]);
}

/** The part of Fastify's API used here (fastify itself is a dependency of the adapter). */
interface ContentTypeParsers {
  addContentTypeParser(
    type: string,
    parser: (req: unknown, payload: unknown, done: (error: Error | null) => void) => void,
  ): void;
}

/**
 * Fastify answers 415 to a content type it has no parser for. This parser reads nothing: the
 * request stays an unread stream for `receiveUpload`. Express needs nothing (its body
 * parsers skip multipart).
 */
export function streamMultipartOnFastify(app: INestApplication): void {
  const adapter = app.getHttpAdapter();
  if (adapter.getType() !== 'fastify') return;
  const fastify = adapter.getInstance() as ContentTypeParsers;
  fastify.addContentTypeParser('multipart/form-data', (_req, _payload, done) => done(null));
}
