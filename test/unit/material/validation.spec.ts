import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { validateSync } from 'class-validator';
import {
  BatchGetMaterialDto,
  MATERIAL_TYPES,
  WechatValidationException,
} from '../../../lib/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { APP_ID } from '../../helpers/constants.js';
import { rejectionOf } from '../../helpers/wait.js';

const TYPE_MSG = 'type must be one of the following values: image, video, voice, news';

/** What class-validator itself says about the query, validated against the DTO. */
function dtoMessages(q: unknown): string[] {
  const dto = Object.assign(
    new BatchGetMaterialDto(),
    q !== null && typeof q === 'object' ? q : {},
  );
  return validateSync(dto).flatMap((e) => Object.values(e.constraints ?? {}));
}

describe('batchGetMaterial input validation (before any request)', () => {
  let t: TestModule;

  beforeAll(async () => {
    t = await createTestModule();
  });

  afterAll(async () => {
    await t.close();
  });

  beforeEach(() => {
    t.server.resetCounters();
  });

  async function validationError(q: unknown): Promise<WechatValidationException> {
    const err = await rejectionOf(t.material.batchGetMaterial(q as never));
    expect(err).toBeInstanceOf(WechatValidationException);
    expect(err).toBeInstanceOf(BadRequestException);
    // Zero requests: not even a token fetch.
    expect(t.server.requests).toEqual({});
    expect(t.server.tokenRequests).toBe(0);
    return err as WechatValidationException;
  }

  const cases: [string, unknown, string[]][] = [
    ["type 'images'", { type: 'images', offset: 0, count: 20 }, [TYPE_MSG]],
    ['type missing', { offset: 0, count: 20 }, [TYPE_MSG]],
    ["type 'IMAGE'", { type: 'IMAGE', offset: 0, count: 20 }, [TYPE_MSG]],
    ['offset -1', { type: 'image', offset: -1, count: 20 }, ['offset must not be less than 0']],
    ['offset 1.5', { type: 'image', offset: 1.5, count: 20 }, ['offset must be an integer number']],
    ['count 0', { type: 'image', offset: 0, count: 0 }, ['count must not be less than 1']],
    ['count 21', { type: 'image', offset: 0, count: 21 }, ['count must not be greater than 20']],
    ['count 50', { type: 'image', offset: 0, count: 50 }, ['count must not be greater than 20']],
    ['count -3', { type: 'image', offset: 0, count: -3 }, ['count must not be less than 1']],
  ];

  it.each(cases)(
    '%s → 400, one message per failed constraint, no request',
    async (_label, q, messages) => {
      const err = await validationError(q);
      expect(err.getStatus()).toBe(400);
      expect(err.getResponse()).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: messages,
      });
      expect(err.name).toBe('WechatValidationException');
    },
  );

  it.each<[string, unknown, string[]]>([
    ["offset '5' (a string)", { type: 'image', offset: '5', count: 20 }, ['offset']],
    ['offset NaN', { type: 'image', offset: NaN, count: 20 }, ['offset']],
    ['offset Infinity', { type: 'image', offset: Infinity, count: 20 }, ['offset']],
    ['offset null', { type: 'image', offset: null, count: 20 }, ['offset']],
    ["count '20'", { type: 'image', offset: 0, count: '20' }, ['count']],
    ['count 2.5', { type: 'image', offset: 0, count: 2.5 }, ['count']],
    ['all fields missing', {}, ['type', 'offset', 'count']],
    ['null query', null, ['type', 'offset', 'count']],
    ['undefined query', undefined, ['type', 'offset', 'count']],
    ['everything wrong', { type: 'images', offset: -1, count: 50 }, ['type', 'offset', 'count']],
  ])(
    '%s → every bad field listed, messages as the DTO produces them',
    async (_label, q, fields) => {
      const err = await validationError(q);
      const response = err.getResponse() as { message: string[] };
      expect(Array.isArray(response.message)).toBe(true);
      expect(response.message).toEqual(dtoMessages(q));
      for (const field of fields) {
        expect(response.message.some((m) => m.startsWith(`${field} `))).toBe(true);
      }
      // No field is blamed that is fine.
      const blamed = new Set(response.message.map((m) => m.split(' ')[0]));
      expect([...blamed].sort()).toEqual([...fields].sort());
    },
  );

  it('integer-looking strings are rejected, not coerced (they would burn a WeChat call as 47001)', async () => {
    const err = await validationError({ type: 'image', offset: '0', count: '20' });
    expect((err.getResponse() as { message: string[] }).message).toContain(
      'offset must be an integer number',
    );
    expect((err.getResponse() as { message: string[] }).message).toContain(
      'count must be an integer number',
    );
  });

  it('offsets up to 2^31 - 1 are accepted; beyond is rejected', async () => {
    await expect(
      t.material.batchGetMaterial({ type: 'image', offset: 2_147_483_647, count: 1 }),
    ).resolves.toMatchObject({ item: [] });
    t.server.resetCounters();
    await validationError({ type: 'image', offset: 2_147_483_648, count: 1 });
  });

  it('forAccount() clients validate the same way', async () => {
    const err = await rejectionOf(
      t.material.forAccount(APP_ID).batchGetMaterial({ type: 'gif', offset: 0, count: 1 } as never),
    );
    expect(err).toBeInstanceOf(WechatValidationException);
    expect(t.server.requests).toEqual({});
  });

  it('each valid type and the count bounds 1 and 20 pass', async () => {
    for (const type of MATERIAL_TYPES) {
      await expect(
        t.material.batchGetMaterial({ type, offset: 0, count: 1 } as never),
      ).resolves.toHaveProperty('item');
      await expect(
        t.material.batchGetMaterial({ type, offset: 0, count: 20 } as never),
      ).resolves.toHaveProperty('item');
    }
  });
});

describe('BatchGetMaterialDto with ValidationPipe({ transform: true })', () => {
  const pipe = new ValidationPipe({ transform: true });
  const meta = { type: 'query' as const, metatype: BatchGetMaterialDto };

  it('converts query-string numbers', async () => {
    const dto = await pipe.transform({ type: 'news', offset: '40', count: '20' }, meta);
    expect(dto).toBeInstanceOf(BatchGetMaterialDto);
    expect(dto).toEqual(
      Object.assign(new BatchGetMaterialDto(), { type: 'news', offset: 40, count: 20 }),
    );
  });

  it('rejects bad query strings with the same messages', async () => {
    const err = await rejectionOf(
      pipe.transform({ type: 'images', offset: '-1', count: '21' }, meta),
    );
    expect(err).toBeInstanceOf(BadRequestException);
    expect((err as BadRequestException).getResponse()).toMatchObject({
      message: expect.arrayContaining([
        TYPE_MSG,
        'offset must not be less than 0',
        'count must not be greater than 20',
      ]),
    });
  });
});
