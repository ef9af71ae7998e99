import { Readable } from 'node:stream';
import { WechatTransportException } from '../errors/wechat-transport.exception.js';

export interface GuardOptions {
  /** Longest wait for the next chunk while the reader wants one (transferTimeoutMs). */
  idleMs: number;
  /** API path, for the exceptions. */
  path: string;
  /** Called once when the body fails after the headers (a stall or a reset). */
  onFailure: (error: WechatTransportException) => void;
}

const codeOf = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * A download body handed to the caller as it arrives (never buffered): the bytes already
 * peeked come first, then the rest of the response with backpressure. A pause longer than
 * `idleMs` while the reader waits errors it with a `timeout` transport exception, a body
 * cut mid-way with `network`; either frees the socket. A stream the caller destroys frees
 * the socket too, and is not a failure. Never fetched again once handed over.
 */
export class GuardedBody extends Readable {
  private timer: NodeJS.Timeout | undefined;
  /** The source delivered its last byte (possibly while it was peeked). */
  private ended: boolean;
  /** Failed by us or destroyed by the caller: nothing more to report. */
  private done = false;

  constructor(
    private readonly source: Readable,
    private readonly head: Buffer[],
    private readonly opts: GuardOptions,
  ) {
    super();
    this.ended = source.readableEnded;
    source.on('data', (chunk: Buffer) => this.onData(chunk));
    source.pause();
    source.once('end', () => {
      this.ended = true;
      this.disarm();
      if (this.head.length === 0) this.push(null);
    });
    source.on('error', (err) => this.fail('network', codeOf(err)));
    // A body cut without an error event ('close' before 'end').
    source.once('close', () => {
      if (!this.ended) this.fail('network', 'ECONNRESET');
    });
  }

  override _read(): void {
    while (this.head.length > 0) {
      if (!this.push(this.head.shift())) return;
    }
    if (this.ended) {
      this.push(null);
      return;
    }
    if (this.done) return;
    this.arm();
    this.source.resume();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.disarm();
    // The caller is done with it (or we failed it): drop the socket, report nothing more.
    this.done = true;
    if (!this.source.destroyed) this.source.destroy();
    callback(err);
  }

  private onData(chunk: Buffer): void {
    this.disarm();
    if (this.push(chunk)) {
      this.arm();
    } else {
      // The reader is slow: waiting for it is not a stalled upstream.
      this.source.pause();
    }
  }

  private arm(): void {
    if (this.timer || this.ended || this.done) return;
    this.timer = setTimeout(() => this.fail('timeout', 'ETIMEDOUT'), this.opts.idleMs);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fail(reason: 'timeout' | 'network', code: string | undefined): void {
    if (this.ended || this.done) return;
    this.done = true;
    const error = new WechatTransportException(reason, this.opts.path, code ? { code } : {});
    this.opts.onFailure(error);
    this.destroy(error);
  }
}
