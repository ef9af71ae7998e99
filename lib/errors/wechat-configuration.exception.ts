/**
 * Bad module options, or an account the options do not know. Thrown at bootstrap
 * (or by `forAccount()`), before any network call. Never carries a secret.
 */
export class WechatConfigurationException extends Error {
  override readonly name = 'WechatConfigurationException';

  constructor(
    message: string,
    /** The option fields that need fixing, e.g. `['appSecret', 'timeoutMs']`. */
    readonly fields: readonly string[] = [],
  ) {
    super(message);
  }
}
