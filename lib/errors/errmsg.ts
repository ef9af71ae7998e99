/** Reading WeChat's errmsg: the `rid` support asks for, and the text without WeChat's suffix. */

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
