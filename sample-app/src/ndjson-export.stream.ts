import { Readable } from 'node:stream';

/** What to write as the last line when WeChat fails mid-stream, or undefined to just close. */
export type ErrorLine = (error: unknown) => object | undefined;

/**
 * NDJSON of every item an iterator yields, one JSON object a line, pulled only as fast as the
 * client reads. The first item is fetched by the caller beforehand, so that a failure before
 * any byte is sent still gets a normal error answer. Later failures end the stream with one
 * `{"error":…}` line. Destroying the stream (the client went away) aborts `controller`, which
 * cancels the in-flight WeChat request and ends the walk; `onClientLeft` runs once it ended.
 */
export class NdjsonExportStream extends Readable {
  private pumping = false;
  private count = 0;

  constructor(
    private readonly source: AsyncIterator<unknown>,
    first: unknown,
    private readonly controller: AbortController,
    private readonly errorLine: ErrorLine,
    private readonly onClientLeft?: (itemsSent: number) => void,
  ) {
    super();
    this.pushItem(first);
  }

  override _read(): void {
    if (!this.pumping) void this.pump();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Also called after a normal end (autoDestroy): only an early destroy is the client leaving.
    if (!this.readableEnded) {
      if (!this.controller.signal.aborted) {
        this.controller.abort(new Error('the client closed the export'));
      }
      // Settles once the walk has stopped: at once, as the abort cancels the in-flight request.
      const sent = this.count;
      void Promise.resolve(this.source.return?.())
        .catch(() => undefined)
        .then(() => this.onClientLeft?.(sent));
    }
    callback(error);
  }

  private pushItem(item: unknown): boolean {
    this.count++;
    return this.push(`${JSON.stringify(item)}\n`);
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      for (;;) {
        const next = await this.source.next();
        if (this.destroyed) return;
        if (next.done) {
          this.push(null);
          return;
        }
        if (!this.pushItem(next.value)) return;
      }
    } catch (error) {
      if (this.destroyed || this.controller.signal.aborted) return;
      const line = this.errorLine(error);
      if (line) this.push(`${JSON.stringify({ error: line })}\n`);
      this.push(null);
    } finally {
      this.pumping = false;
    }
  }
}
