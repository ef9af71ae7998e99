import { WechatValidationException } from '../errors/wechat-validation.exception.js';
import { ARGUMENT_HINTS } from '../errors/messages.js';
import { isIntIn, isNonEmptyString, isPositiveFinite, Problems } from '../shared/validate.js';
import { walkOptionProblems, type WalkOptions } from '../paging/page-walker.js';

/**
 * Checks of the arguments that are not DTOs (ids, indexes, waits), collected so that one
 * WechatValidationException names every bad argument.
 */
export class ArgumentProblems extends Problems {
  id(name: string, value: unknown): this {
    return this.check(isNonEmptyString(value), name, ARGUMENT_HINTS.id);
  }

  index(name: string, value: unknown, min: number): this {
    return this.check(
      isIntIn(value, min, Number.MAX_SAFE_INTEGER),
      name,
      ARGUMENT_HINTS.index(min),
    );
  }

  optionalPositive(name: string, value: unknown): this {
    return this.check(
      value === undefined || isPositiveFinite(value),
      name,
      ARGUMENT_HINTS.positive,
    );
  }

  optionalBoolean(name: string, value: unknown): this {
    return this.check(
      value === undefined || typeof value === 'boolean',
      name,
      ARGUMENT_HINTS.boolean,
    );
  }

  optionalSignal(name: string, value: unknown): this {
    return this.check(
      value === undefined || value instanceof AbortSignal,
      name,
      ARGUMENT_HINTS.signal,
    );
  }

  /** Throws WechatValidationException with every problem found; nothing is sent. */
  assert(): void {
    if (!this.empty) throw new WechatValidationException(this.messages());
  }
}

export const args = (): ArgumentProblems => new ArgumentProblems();

/**
 * The options of iterateDrafts/iteratePublished: the walker's own, plus `noContent`. All are
 * checked together, so one exception names every bad one.
 */
export function splitIterateOptions<T extends WalkOptions & { noContent?: boolean }>(
  opts: T | null | undefined,
): { noContent: 0 | 1; walk: WalkOptions } {
  const { noContent, ...walk } = opts ?? ({} as T);
  const problems = args().optionalBoolean('noContent', noContent);
  problems.list.push(...walkOptionProblems(walk).list);
  problems.assert();
  return { noContent: noContent ? 1 : 0, walk };
}
