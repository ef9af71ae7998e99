import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ADAPTERS, type SampleAppUnderTest, startSampleApp } from './helper/sample-app.js';

interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: { enum?: string[] } }[];
  responses: Record<string, { content?: Record<string, unknown>; headers?: object }>;
}
interface OpenApiDocument {
  paths: Record<string, { get?: OpenApiOperation }>;
  components: { schemas: Record<string, { properties: Record<string, unknown> }> };
}

describe.each(ADAPTERS)('Swagger (%s)', (adapter) => {
  let t: SampleAppUnderTest;

  beforeAll(async () => {
    t = await startSampleApp(adapter);
  });
  afterAll(() => t.close());

  it('serves Swagger UI at /docs, with its assets', async () => {
    const res = await request(t.url).get('/docs').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('swagger-ui');
    const css = res.text.match(/href="([^"]*swagger-ui\.css)"/)?.[1];
    expect(css).toBeDefined();
    const asset = await request(t.url)
      .get(new URL(css!, `${t.url}/docs`).pathname)
      .expect(200);
    expect(asset.headers['content-type']).toMatch(/text\/css/);
  });

  it('describes the routes, their parameters and error bodies at /docs-json', async () => {
    const res = await request(t.url).get('/docs-json').expect(200);
    const doc = res.body as OpenApiDocument;
    expect(Object.keys(doc.paths).sort()).toEqual(
      ['/materials', '/materials/count', '/materials/{type}/export'].sort(),
    );

    const list = doc.paths['/materials']!.get!;
    expect(list.parameters!.map((p) => `${p.in}:${p.name}`).sort()).toEqual(
      ['query:count', 'query:offset', 'query:type'].sort(),
    );
    expect(list.parameters!.find((p) => p.name === 'type')!.schema!.enum).toEqual([
      'image',
      'video',
      'voice',
      'news',
    ]);

    const exportOp = doc.paths['/materials/{type}/export']!.get!;
    expect(exportOp.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual(['path:type']);
    expect(Object.keys(exportOp.responses['200']!.content!)).toEqual(['application/x-ndjson']);

    const wechatStatuses = ['200', '403', '404', '410', '429', '500', '502', '503', '504'];
    for (const op of [list, exportOp]) {
      expect(Object.keys(op.responses).sort()).toEqual([...wechatStatuses, '400'].sort());
    }
    const count = doc.paths['/materials/count']!.get!;
    expect(Object.keys(count.responses).sort()).toEqual([...wechatStatuses].sort());
    expect(list.responses['429']!.headers).toHaveProperty('Retry-After');
    expect(Object.keys(doc.components.schemas.WechatErrorBodyDto!.properties).sort()).toEqual(
      ['errcode', 'error', 'message', 'rid', 'statusCode'].sort(),
    );
    expect(doc.components.schemas.ValidationErrorBodyDto!.properties).toHaveProperty('message');
  });
});
