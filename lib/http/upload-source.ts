import { createReadStream } from 'node:fs';

/** Bytes of known length that can be read again for every attempt of an upload. */
export interface UploadSource {
  readonly size: number;
  /** A fresh reader over the whole content. */
  open(): AsyncIterable<Uint8Array>;
}

/** Bytes already in memory (not copied). */
export function bytesSource(data: Uint8Array): UploadSource {
  return {
    size: data.byteLength,
    open: async function* () {
      yield data;
    },
  };
}

/**
 * A file on disk, read while it is sent; never more than `size` bytes (the size checked
 * against the limit), so a file that grows meanwhile cannot overrun the Content-Length.
 */
export function fileSource(path: string, size: number): UploadSource {
  return {
    size,
    open: () => createReadStream(path, { start: 0, end: Math.max(0, size - 1) }),
  };
}
