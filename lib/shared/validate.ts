/**
 * Checks that collect every bad field before anyone throws, so that one error names all
 * of them (module options, RedisTokenStore arguments, walker options). Pure: the caller
 * turns the problems into its own exception and message. Hints never echo the value.
 */

/** One bad field and what to do about it, e.g. `{ field: 'timeoutMs', hint: 'must be …' }`. */
export interface Problem {
  field: string;
  hint: string;
}

/** An integer within [min, max] (both inclusive). */
export const isIntIn = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

export const isNonEmptyString = (v: unknown): v is string =>
  typeof v === 'string' && v.trim() !== '';

export const isPositiveFinite = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v > 0;

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Collects problems; `field ok?` checks read as one line each at the call site. */
export class Problems {
  readonly list: Problem[] = [];

  /** Records `field hint`. */
  add(field: string, hint: string): this {
    this.list.push({ field, hint });
    return this;
  }

  /** Records the problem unless `ok`. */
  check(ok: boolean, field: string, hint: string): this {
    return ok ? this : this.add(field, hint);
  }

  /** An optional integer: undefined is fine, anything else must lie in [min, max]. */
  optionalInt(field: string, value: unknown, min: number, max: number, hint: string): this {
    return this.check(value === undefined || isIntIn(value, min, max), field, hint);
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  get fields(): string[] {
    return this.list.map((p) => p.field);
  }

  /** `field hint` per problem, e.g. for ValidationPipe-style message arrays. */
  messages(): string[] {
    return this.list.map((p) => `${p.field} ${p.hint}`);
  }
}
