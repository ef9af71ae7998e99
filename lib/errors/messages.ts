/** Every user-facing message in one place (as @nestjs/terminus does). None echoes a value. */

export const apiErrorMessage = (errcode: number, path: string, errmsg: string): string =>
  `WeChat API error ${errcode} on ${path}: ${errmsg}`;

export const transportErrorMessage = (path: string, reason: string): string =>
  `WeChat request to ${path} failed: ${reason}`;

export const quotaHint = (path: string): string =>
  ` (daily quota reached: look it up with QuotaService.getQuota('${path}'), ` +
  `i.e. POST /cgi-bin/openapi/quota/get, and reset it in the WeChat admin console)`;

export const invalidOptionsMessage = (
  problems: readonly { field: string; hint: string }[],
): string =>
  `Invalid WechatMaterialModule options: ${problems.map((p) => `${p.field} ${p.hint}`).join('; ')}`;

export const unknownAccountMessage = (): string =>
  'forAccount(appId): this appId has no credentials: add it to the `accounts` option ' +
  '({ [appId]: { appSecret } }) or pass an `accessTokenProvider`';
