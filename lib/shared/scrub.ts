/**
 * Scrubbing, in one place: nothing the library writes (messages, logs, events) may echo an
 * access token, an app secret, a Redis or proxy password, or the caller's IP address, which
 * WeChat puts in some errmsgs (40164, 89503).
 */

const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
// Runs of hex groups joined by colons (`::ffff:…`, `2001:db8::1`), after IPv4 masking.
const IPV6 = /(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}(?:[0-9a-f]{1,4}|\*\.\*\.\*\.\*)?(?![\w:])/gi;
const IP_MASK = '*.*.*.*';
/** What replaces a secret. */
export const SECRET_MASK = '***';

/** Masks IPv4 and IPv6 addresses. */
export function maskIps(text: string): string {
  return text.replace(IPV4, IP_MASK).replace(IPV6, (m) => (m.includes(':') ? '*:*' : m));
}

/**
 * Replaces every occurrence of the given secrets (tokens, app secrets, passwords) with `***`.
 * By default values shorter than 6 characters are left alone: they would mangle ordinary
 * words, and real tokens and app secrets are long. Pass `minLength: 1` for passwords.
 */
export function redactSecrets(
  text: string,
  secrets: Iterable<string | null | undefined>,
  { minLength = 6 }: { minLength?: number } = {},
): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= minLength && out.includes(s)) out = out.split(s).join(SECRET_MASK);
  }
  return out;
}

// `scheme://user:pass@` or `scheme://user@`: the userinfo part of any URL in the text.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;

/** Masks the credentials of every URL in the text (`http://user:pass@proxy:3128` → `http://***@proxy:3128`). */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, `$1${SECRET_MASK}@`);
}

/**
 * The password a URL carries, raw and percent-decoded, to hand to {@link redactSecrets}
 * (`minLength: 1`): an error message may quote it either way.
 */
export function passwordsOf(url: URL | string): string[] {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return [];
  }
  return parsed.password ? [parsed.password, safeDecode(parsed.password)] : [];
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
