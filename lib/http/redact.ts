/**
 * Scrubbing helpers. WeChat echoes the caller's IP in some errmsgs (40164, 89503) and
 * nothing here may ever echo an access token or an app secret.
 */

const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
// Runs of hex groups joined by colons (`::ffff:…`, `2001:db8::1`), after IPv4 masking.
const IPV6 = /(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}(?:[0-9a-f]{1,4}|\*\.\*\.\*\.\*)?(?![\w:])/gi;
const MASK = '*.*.*.*';

/** Masks IPv4 and IPv6 addresses. */
export function maskIps(text: string): string {
  return text.replace(IPV4, MASK).replace(IPV6, (m) => (m.includes(':') ? '*:*' : m));
}

/** Replaces every occurrence of the given secrets (tokens, app secrets) with `***`. */
export function redactSecrets(text: string, secrets: Iterable<string | null | undefined>): string {
  let out = text;
  for (const s of secrets) {
    // Very short values would mangle ordinary words; real tokens and secrets are long.
    if (s && s.length >= 6 && out.includes(s)) out = out.split(s).join('***');
  }
  return out;
}

const RID = /\brid:\s*([0-9a-f]{4,}(?:-[0-9a-f]{4,}){1,4})/i;
// `hint: [xxxx]` (any content, may be empty) and/or `rid: x-y-z` at the end of errmsg.
const SUFFIX = /(?:\s*hint:\s*\[[^\]]*\])?(?:\s*rid:\s*[0-9a-f-]+)?\s*$/i;

/** The `rid` WeChat support asks for, if errmsg carries one. */
export function extractRid(errmsg: string): string | undefined {
  return RID.exec(errmsg)?.[1];
}

/** errmsg without the trailing `hint: […]` / `rid: …` WeChat appends. */
export function stripErrmsgSuffix(errmsg: string): string {
  const stripped = errmsg.replace(SUFFIX, '');
  return stripped.trim() || errmsg.trim();
}
