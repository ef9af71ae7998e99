import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import { DraftService, PublishService } from '../../lib/index.js';
import { createTestModule, type TestModule } from './create-test-module.js';
import { RawServer, type RawAnswer, type RawRequest } from './raw-server.js';

export const json = (body: unknown): RawAnswer => ({ body: JSON.stringify(body) });

/**
 * A module pointed at a RawServer whose answers the test scripts per path (bodies the fake
 * cannot produce: ids as long bare numbers, unknown states, missing fields).
 */
export interface Scripted {
  raw: RawServer;
  t: TestModule;
  drafts: DraftService;
  publish: PublishService;
  /** Answers by path; a function answers from the request. */
  answers: Map<string, RawAnswer | ((req: RawRequest) => RawAnswer | undefined)>;
  /** Requests to WeChat's business paths (token requests left out). */
  calls(path?: string): RawRequest[];
  /** Every request, token requests included. */
  all(): RawRequest[];
  reset(): void;
  close(): Promise<void>;
}

export async function scriptedWechat(
  overrides: Parameters<typeof createTestModule>[0] = {},
): Promise<Scripted> {
  const answers: Scripted['answers'] = new Map();
  const raw = new RawServer((req) => {
    const a = answers.get(req.path);
    return typeof a === 'function' ? a(req) : a;
  });
  const t = await createTestModule({ baseUrl: await raw.start(), ...overrides });
  const isToken = (r: RawRequest) => r.path.endsWith('token');
  return {
    raw,
    t,
    drafts: t.moduleRef.get(DraftService),
    publish: t.moduleRef.get(PublishService),
    answers,
    calls: (path) => raw.requests.filter((r) => !isToken(r) && (!path || r.path === path)),
    all: () => [...raw.requests],
    reset() {
      raw.requests.length = 0;
      answers.clear();
    },
    async close() {
      await t.close();
      await raw.stop();
    },
  };
}

/**
 * One scripted WeChat for the enclosing describe: started before its tests, answers and
 * requests cleared before each, closed after them. The returned object is filled in beforeAll.
 */
export function useScriptedWechat(
  overrides: Parameters<typeof createTestModule>[0] = {},
): Scripted {
  const s = {} as Scripted;
  beforeAll(async () => {
    Object.assign(s, await scriptedWechat(overrides));
  });
  afterAll(async () => {
    await s.close();
  });
  beforeEach(() => {
    s.reset();
  });
  return s;
}
