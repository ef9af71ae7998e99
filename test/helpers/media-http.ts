import { createHash } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';

// Clients for the sample app's media routes. Unlike `httpGet`, these keep the body as bytes
// (files compared by sha256), send any method and body, and report a connection that broke
// mid-body (`complete: false`) instead of rejecting: that is what an aborted download is.

/** A text field, or a file part (its filename written as raw UTF-8, as browsers and curl do). */
export type FormPart =
  | { name: string; value: string }
  | { name: string; filename?: string; contentType?: string; data: Buffer };

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The body parsed as JSON, or undefined. */
  json: unknown;
  /** false when the connection broke before the whole body arrived. */
  complete: boolean;
  /** true when the client gave up waiting (no byte for `idleMs`): the server neither ended nor broke it. */
  timedOut: boolean;
}

/** A multipart/form-data body with the parts in the order given. */
export function multipart(parts: FormPart[]): { body: Buffer; contentType: string } {
  const boundary = `----e2e${createHash('sha1').update(String(Math.random())).digest('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if ('data' in part) {
      if (part.filename !== undefined) head += `; filename="${part.filename}"`;
      if (part.contentType) head += `\r\nContent-Type: ${part.contentType}`;
    }
    chunks.push(Buffer.from(`${head}\r\n\r\n`, 'utf8'));
    chunks.push('data' in part ? part.data : Buffer.from(part.value, 'utf8'));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** POSTs a multipart form (or any body) over a fresh connection. */
export function postForm(url: string, parts: FormPart[]): Promise<Answer> {
  const { body, contentType } = multipart(parts);
  return send('POST', url, { body, contentType });
}

/**
 * One request over a fresh connection, its body read to the end or until the connection
 * broke (`complete: false`), which is what a client sees of an aborted download. With
 * `keepAlive`, the server does not close the connection after the answer: a body shorter
 * than its Content-Length then leaves the client waiting (`timedOut`) unless the server
 * breaks the connection.
 */
export function send(
  method: string,
  url: string,
  opts: { body?: Buffer; contentType?: string; keepAlive?: boolean; idleMs?: number } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const agent = opts.keepAlive ? new Agent({ keepAlive: true }) : false;
    const headers: Record<string, string | number> = opts.keepAlive ? {} : { Connection: 'close' };
    if (opts.body) headers['Content-Length'] = opts.body.length;
    if (opts.contentType) headers['Content-Type'] = opts.contentType;
    let timedOut = false;
    const req = httpRequest(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => undefined); // 'aborted': seen through `complete` below
      res.on('close', () => {
        if (agent) agent.destroy();
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          json: parseJson(body),
          complete: res.complete,
          timedOut,
        });
      });
    });
    // Long enough for the fault cases (two attempts of a 2 s deadline) on a busy machine.
    const idleMs = opts.idleMs ?? 15_000;
    req.setTimeout(idleMs, () => {
      timedOut = true;
      req.destroy(new Error(`${method} ${url}: no byte in ${idleMs} ms`));
    });
    req.on('error', (error) => {
      if (agent) agent.destroy();
      reject(error);
    });
    req.end(opts.body);
  });
}

export const get = (url: string, opts?: { keepAlive?: boolean; idleMs?: number }) =>
  send('GET', url, opts);

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The filename of a Content-Disposition, `filename*=UTF-8''…` preferred. */
export function dispositionFilename(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (extended) return decodeURIComponent(extended[1]!);
  return /filename="([^"]*)"/i.exec(header)?.[1];
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
