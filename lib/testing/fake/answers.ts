import { ERRMSG, makeRid } from './errmsg.js';

/** One HTTP answer of the fake, before latency and faults are applied. */
export interface Answer {
  status: number;
  contentType: string;
  body: string | Buffer;
  /**
   * Extra headers. A value is written as latin1, byte per character: pass UTF-8 bytes through
   * `rawUtf8Header()` to send them raw, as WeChat does with Chinese filenames.
   */
  headers?: Readonly<Record<string, string>>;
  /** Close the connection after answering. */
  close?: boolean;
}

export const JSON_TYPE = 'application/json; encoding=utf-8';
/** WeChat serves material answers as text/plain (co-wechat-api #48); clients must not trust the header. */
export const MATERIAL_TYPE = 'text/plain';

/** An errcode answer: HTTP 200, WeChat's text (or `errmsg`) and a rid. */
export function errorAnswer(errcode: number, errmsg?: string): Answer {
  const text = errmsg ?? ERRMSG[errcode] ?? 'unknown error';
  return {
    status: 200,
    contentType: JSON_TYPE,
    body: JSON.stringify({ errcode, errmsg: `${text} rid: ${makeRid()}` }),
  };
}

export function jsonAnswer(value: unknown): Answer {
  return { status: 200, contentType: JSON_TYPE, body: JSON.stringify(value) };
}

/**
 * Material answers as WeChat serves them: text/plain and `/` escaped as `\/`. JSON.stringify
 * only emits `/` inside strings, where `\/` is a valid escape, so the body stays valid JSON.
 */
export function materialAnswer(value: unknown): Answer {
  return {
    status: 200,
    contentType: MATERIAL_TYPE,
    body: JSON.stringify(value).replace(/\//g, '\\/'),
  };
}

/** api.weixin.qq.com's gateway has no JSON for paths it does not know. */
export function notFoundAnswer(): Answer {
  return { status: 404, contentType: 'text/plain', body: 'Not Found' };
}

/**
 * A header value carrying `text` as raw UTF-8 bytes. Node writes header strings as latin1,
 * one byte per character, so each UTF-8 byte becomes one character here.
 */
export function rawUtf8Header(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A JSON object body, or undefined when the text is not one (the caller answers 47001). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // not JSON
  }
  return undefined;
}
