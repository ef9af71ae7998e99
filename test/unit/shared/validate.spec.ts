import { describe, expect, it } from '@jest/globals';
import { isIntIn, Problems } from '../../../lib/shared/validate.js';

describe('validate', () => {
  it('isIntIn: integers within both bounds only', () => {
    expect([0, 20, 1].map((v) => isIntIn(v, 0, 20))).toEqual([true, true, true]);
    expect([-1, 21, 1.5, NaN, '1', null].map((v) => isIntIn(v, 0, 20))).toEqual(
      Array(6).fill(false),
    );
    expect(isIntIn(2 ** 60, 0, Number.POSITIVE_INFINITY)).toBe(true);
  });

  it('Problems collects every bad field, in order, without the values', () => {
    const p = new Problems()
      .check(true, 'fine', 'never shown')
      .optionalInt('pageSize', undefined, 1, 20, 'must be an integer from 1 to 20')
      .optionalInt('concurrency', 9, 1, 8, 'must be an integer from 1 to 8')
      .check(false, 'signal', 'must be an AbortSignal')
      .add('type', 'must be one of the following values: a, b');
    expect(p.empty).toBe(false);
    expect(p.fields).toEqual(['concurrency', 'signal', 'type']);
    expect(p.messages()).toEqual([
      'concurrency must be an integer from 1 to 8',
      'signal must be an AbortSignal',
      'type must be one of the following values: a, b',
    ]);
    expect(new Problems().empty).toBe(true);
  });
});
