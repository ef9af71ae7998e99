import { randomUUID } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export type SpoolResult =
  | { kind: 'ok'; path: string; size: number }
  /** The stream passed maxBytes: reading stopped there and the file is gone. */
  | { kind: 'too_large' }
  /** The stream errored, or yielded something that is not bytes; the file is gone. */
  | { kind: 'failed' };

const asBytes = (chunk: unknown): Uint8Array | undefined =>
  chunk instanceof Uint8Array
    ? chunk
    : typeof chunk === 'string'
      ? Buffer.from(chunk, 'utf8')
      : undefined;

/**
 * Writes a stream to a new private temporary file, counting bytes, so that an upload of
 * unknown length gets a Content-Length and can be sent again (retries, the replay after a
 * token rejection). Past maxBytes it stops reading (the stream is destroyed: it belongs to
 * the call) and deletes what it wrote. The caller removes the file of an `ok` result.
 */
export async function spoolToTempFile(source: Readable, maxBytes: number): Promise<SpoolResult> {
  const path = join(tmpdir(), `wechat-material-${randomUUID()}`);
  // 'wx': never follow or reuse an existing path; 0o600: the upload may be private.
  const handle = await open(path, 'wx', 0o600);
  let result: SpoolResult = { kind: 'failed' };
  let size = 0;
  try {
    result = await (async (): Promise<SpoolResult> => {
      // Leaving the loop early (break, throw) destroys the source stream.
      for await (const chunk of source) {
        const bytes = asBytes(chunk);
        if (!bytes) return { kind: 'failed' };
        size += bytes.byteLength;
        if (size > maxBytes) return { kind: 'too_large' };
        await handle.write(bytes);
      }
      return { kind: 'ok', path, size };
    })();
  } catch {
    result = { kind: 'failed' };
  } finally {
    await handle.close().catch(() => undefined);
    if (result.kind !== 'ok') await removeTempFile(path);
  }
  if (!source.destroyed && result.kind !== 'ok') source.destroy();
  return result;
}

/** Removes a spooled file; never throws (it may be gone already). */
export async function removeTempFile(path: string): Promise<void> {
  await rm(path, { force: true }).catch(() => undefined);
}
