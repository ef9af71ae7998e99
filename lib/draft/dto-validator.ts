import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { WechatValidationException } from '../errors/wechat-validation.exception.js';
import { ARGUMENT_HINTS } from '../errors/messages.js';
import { isPlainObject } from '../shared/validate.js';

/**
 * ValidationPipe's message list: each constraint message, prefixed with the path of the
 * property that holds it (`articles.0.title must be a string`).
 */
export function flattenMessages(errors: readonly ValidationError[], parent?: string): string[] {
  const out: string[] = [];
  for (const error of errors) {
    for (const message of Object.values(error.constraints ?? {})) {
      out.push(parent ? `${parent}.${message}` : message);
    }
    if (error.children?.length) {
      const path = parent ? `${parent}.${error.property}` : error.property;
      out.push(...flattenMessages(error.children, path));
    }
  }
  return out;
}

/**
 * Validates `input` against `dto` as `ValidationPipe({ transform: true })` would, and throws
 * WechatValidationException with its messages. The instance built for the check is thrown
 * away: callers send their own object, so fields WeChat adds later pass through.
 */
export function assertValid(dto: ClassConstructor<object>, input: unknown, name: string): void {
  if (!isPlainObject(input)) {
    throw new WechatValidationException([`${name} ${ARGUMENT_HINTS.object}`]);
  }
  let instance: object;
  try {
    instance = plainToInstance(dto, input);
  } catch {
    // Only input that is not JSON data (a cycle, a throwing getter) gets here.
    throw new WechatValidationException([`${name} ${ARGUMENT_HINTS.object}`]);
  }
  const messages = flattenMessages(validateSync(instance));
  if (messages.length > 0) throw new WechatValidationException(messages);
}
