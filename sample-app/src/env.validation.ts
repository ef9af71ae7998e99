/** Environment variables the sample app reads (all optional). */
export interface SampleEnv {
  PORT?: string;
  HOST?: string;
  HTTP_ADAPTER?: string;
  WECHAT_APP_ID?: string;
  WECHAT_APP_SECRET?: string;
  WECHAT_BASE_URL?: string;
  WECHAT_TIMEOUT_MS?: string;
}

/** A bad environment variable: the message says which to fix. */
export class InvalidEnvironmentError extends Error {
  override readonly name = 'InvalidEnvironmentError';
}

/**
 * `ConfigModule.forRoot({ validate })`: fails start-up with every problem at once, naming the
 * variable to fix and never echoing a value (WECHAT_APP_SECRET must not reach a log).
 */
export function validateEnv(env: Record<string, unknown>): Record<string, unknown> {
  const problems: string[] = [];
  const set = (name: string) =>
    typeof env[name] === 'string' && (env[name] as string).trim() !== '';
  if (set('WECHAT_APP_ID') !== set('WECHAT_APP_SECRET')) {
    problems.push(
      'set both WECHAT_APP_ID and WECHAT_APP_SECRET to talk to WeChat, or neither to use the embedded fake',
    );
  }
  if (set('PORT')) {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      problems.push('PORT must be an integer from 0 to 65535');
    }
  }
  if (set('WECHAT_TIMEOUT_MS')) {
    const ms = Number(env.WECHAT_TIMEOUT_MS);
    if (!Number.isInteger(ms) || ms <= 0)
      problems.push('WECHAT_TIMEOUT_MS must be a positive integer');
  }
  if (set('HTTP_ADAPTER') && !['express', 'fastify'].includes(String(env.HTTP_ADAPTER))) {
    problems.push("HTTP_ADAPTER must be 'express' or 'fastify'");
  }
  if (problems.length > 0) {
    throw new InvalidEnvironmentError(`Invalid environment: ${problems.join('; ')}`);
  }
  return env;
}
