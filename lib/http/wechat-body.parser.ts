/**
 * Tolerant JSON for WeChat bodies: served as text/plain or JSON, with `\/` escapes (valid
 * JSON) and, rarely, raw control characters inside strings (invalid JSON, repaired here).
 */

// eslint-disable-next-line no-control-regex -- finding raw control characters is the point
const CONTROL = /[\u0000-\u001f]/;

/** Escapes raw control characters inside string literals; leaves everything else as is. */
function escapeControlCharsInStrings(text: string): string {
  let out = '';
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (escaped) {
        escaped = false;
      } else if (ch === '\\') {
        escaped = true;
      } else if (ch === '"') {
        inString = false;
      } else if (ch < ' ') {
        out += '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0');
        continue;
      }
    } else if (ch === '"') {
      inString = true;
    }
    out += ch;
  }
  return out;
}

const NUMBER = String.raw`-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?`;

/**
 * Quotes the bare numbers of the given keys, so that JSON.parse keeps every digit (a
 * publish_id can exceed 2^53). A key is only ever matched after `{` or `,`: inside a JSON
 * string its quotes would be escaped, so article text never matches.
 */
export function quoteNumberFields(text: string, keys: readonly string[]): string {
  if (keys.length === 0) return text;
  const names = keys.map((k) => k.replace(/[^A-Za-z0-9_]/g, '')).join('|');
  const re = new RegExp(`([{,]\\s*"(?:${names})"\\s*:\\s*)(${NUMBER})(?=\\s*[,}])`, 'g');
  return text.replace(re, '$1"$2"');
}

/**
 * A JSON object, or undefined when the body is empty, HTML, truncated or not an object.
 * `stringFields`: keys whose bare numbers are read as strings (see quoteNumberFields).
 */
export function parseWechatBody(
  raw: string,
  stringFields: readonly string[] = [],
): Record<string, unknown> | undefined {
  const text = quoteNumberFields(raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw, stringFields);
  const first = text.trimStart()[0];
  if (first !== '{') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    if (!CONTROL.test(text)) return undefined;
    try {
      value = JSON.parse(escapeControlCharsInStrings(text));
    } catch {
      return undefined;
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** WeChat's errcode as a number; 0 when absent (success usually has none). */
export function errcodeOf(body: Record<string, unknown>): number {
  const e = body.errcode;
  if (e === undefined || e === null) return 0;
  const n = typeof e === 'number' ? e : Number(e);
  return Number.isFinite(n) ? n : 0;
}

/**
 * A success without WeChat's status envelope: `errcode: 0` / `errmsg: "ok"` only say the call
 * worked (WeChat sends them on some successes and not on others), so results never carry them.
 */
export function withoutStatus(body: Record<string, unknown>): Record<string, unknown> {
  if (!('errcode' in body) && !('errmsg' in body)) return body;
  const { errcode: _errcode, errmsg: _errmsg, ...rest } = body;
  return rest;
}
