/**
 * The filename of a download, from its Content-Disposition header. WeChat sends
 * `attachment; filename="…"` with Chinese names as raw UTF-8 bytes (no `filename*`), and
 * Node hands header values over as latin1 strings (one char per byte): those bytes are
 * decoded again as UTF-8. `filename*=UTF-8''…` (RFC 6266/8187) wins when present.
 */

/** latin1 chars back to their bytes, read as UTF-8 when they are valid UTF-8. */
function redecodeUtf8(value: string): string {
  // eslint-disable-next-line no-control-regex -- only latin1-range strings came off the wire
  if (!/^[\u0000-\u00ff]*$/.test(value) || !/[\u0080-\u00ff]/.test(value)) return value;
  const decoded = Buffer.from(value, 'latin1').toString('utf8');
  return decoded.includes('\ufffd') ? value : decoded;
}

/** `charset'lang'%xx…` of an extended parameter. */
function decodeExtended(value: string): string | undefined {
  const m = /^([\w!#$%&+^`{}~-]*)'[^']*'(.*)$/.exec(value);
  if (!m) return undefined;
  const charset = m[1]!.toLowerCase();
  try {
    if (charset === 'utf-8' || charset === 'utf8') return decodeURIComponent(m[2]!);
    if (charset === 'iso-8859-1' || charset === 'latin1') {
      return m[2]!.replace(/%([0-9a-f]{2})/gi, (_s, h: string) =>
        String.fromCharCode(parseInt(h, 16)),
      );
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Parameters of the header: name (lower case) → raw value, quotes and escapes removed. */
function parameters(header: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (let m = re.exec(header); m; m = re.exec(header)) {
    const name = m[1]!.toLowerCase();
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!.trim();
    if (!params.has(name)) params.set(name, value);
  }
  return params;
}

/** Directory parts are dropped: a name from the network must not pick a path. */
const baseName = (name: string): string =>
  name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);

export function filenameFromContentDisposition(header: unknown): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' || value === '') return undefined;
  const params = parameters(value);
  const extended = params.get('filename*');
  const chosen =
    (extended !== undefined ? decodeExtended(extended) : undefined) ??
    (params.has('filename') ? redecodeUtf8(params.get('filename')!) : undefined);
  const name = chosen === undefined ? undefined : baseName(chosen).trim();
  return name ? name : undefined;
}
