import { Logger } from '@nestjs/common';
import { bootstrap } from './bootstrap.js';

/** Errors whose message says all there is to fix: no stack trace. */
const CONFIGURATION_ERRORS = new Set(['WechatConfigurationException', 'InvalidEnvironmentError']);

bootstrap().catch((error: unknown) => {
  // Configuration errors name every bad field and never print the secret.
  const known = error instanceof Error && CONFIGURATION_ERRORS.has(error.name);
  new Logger('SampleApp').error(
    error instanceof Error ? error.message : String(error),
    error instanceof Error && !known ? error.stack : undefined,
  );
  process.exit(1);
});
