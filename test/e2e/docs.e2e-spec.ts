import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ADAPTERS, type SampleAppUnderTest, startSampleApp } from './helper/sample-app.js';

interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: { enum?: string[] } }[];
  requestBody?: { content: Record<string, { schema: OpenApiSchema }> };
  responses: Record<
    string,
    { content?: Record<string, { schema: OpenApiSchema }>; headers?: object }
  >;
}
interface OpenApiSchema {
  type?: string;
  format?: string;
  required?: string[];
  properties?: Record<string, OpenApiSchema>;
  oneOf?: { $ref: string }[];
  $ref?: string;
  items?: OpenApiSchema;
  minItems?: number;
  maxItems?: number;
}
interface OpenApiDocument {
  paths: Record<
    string,
    {
      get?: OpenApiOperation;
      post?: OpenApiOperation;
      put?: OpenApiOperation;
      delete?: OpenApiOperation;
    }
  >;
  components: {
    schemas: Record<string, { properties: Record<string, OpenApiSchema>; required?: string[] }>;
  };
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
      [
        '/materials',
        '/materials/count',
        '/materials/{type}/export',
        '/materials/article-images',
        '/materials/{type}',
        '/materials/items/{mediaId}',
        '/temporary-materials/{type}',
        '/temporary-materials/{mediaId}',
        '/drafts',
        '/drafts/{mediaId}',
        '/drafts/{mediaId}/articles/{index}',
        '/drafts/{mediaId}/publish',
        '/publish-jobs/{publishId}',
        '/publications',
        '/publications/{articleId}',
      ].sort(),
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

  it('documents the multipart uploads and the binary downloads', async () => {
    const doc = (await request(t.url).get('/docs-json').expect(200)).body as OpenApiDocument;
    const uploads = [
      doc.paths['/materials/article-images']!.post!,
      doc.paths['/materials/{type}']!.post!,
      doc.paths['/temporary-materials/{type}']!.post!,
    ];
    for (const op of uploads) {
      expect(Object.keys(op.requestBody!.content)).toEqual(['multipart/form-data']);
      const form = op.requestBody!.content['multipart/form-data']!.schema;
      expect(form.required).toEqual(['media']);
      expect(form.properties!.media).toEqual(
        expect.objectContaining({ type: 'string', format: 'binary' }),
      );
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['201', '400', '502']));
    }
    // Video fields come before the file in the documented form, as the route reads them.
    const material = doc.paths['/materials/{type}']!.post!;
    expect(material.parameters!.find((p) => p.name === 'type')!.schema!.enum).toEqual([
      'image',
      'voice',
      'video',
      'thumb',
    ]);
    expect(
      Object.keys(material.requestBody!.content['multipart/form-data']!.schema.properties!),
    ).toEqual(['title', 'introduction', 'media']);

    for (const op of [
      doc.paths['/materials/items/{mediaId}']!.get!,
      doc.paths['/temporary-materials/{mediaId}']!.get!,
    ]) {
      const ok = op.responses['200']!;
      expect(ok.content!['application/octet-stream']!.schema).toEqual({
        type: 'string',
        format: 'binary',
      });
      expect(ok.content!['application/json']).toBeDefined();
      expect(ok.headers).toHaveProperty('Content-Disposition');
      expect(Object.keys(op.responses)).toEqual(
        expect.arrayContaining(['200', '404', '502', '504']),
      );
    }
    expect(Object.keys(doc.paths['/materials/items/{mediaId}']!.delete!.responses)).toEqual(
      expect.arrayContaining(['204', '404']),
    );
  });

  it('documents the draft and publishing bodies and answers', async () => {
    const doc = (await request(t.url).get('/docs-json').expect(200)).body as OpenApiDocument;
    const schemas = doc.components.schemas;
    const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
    const body = (op: OpenApiOperation) => op.requestBody!.content['application/json']!.schema;
    const answer = (op: OpenApiOperation, status: string) =>
      op.responses[status]!.content?.['application/json']?.schema;
    const articles = [ref('NewsDraftArticleBodyDto'), ref('NewspicDraftArticleBodyDto')];

    const create = doc.paths['/drafts']!.post!;
    expect(body(create)).toEqual(ref('AddDraftBodyDto'));
    const list = schemas.AddDraftBodyDto!.properties.articles!;
    expect(list).toMatchObject({ type: 'array', minItems: 1, maxItems: 8 });
    expect(list.items!.oneOf).toEqual(articles);
    expect(answer(create, '201')).toEqual(ref('DraftMediaIdDto'));
    expect(Object.keys(schemas.NewsDraftArticleBodyDto!.properties)).toEqual(
      expect.arrayContaining(['title', 'content', 'thumb_media_id', 'pic_crop_235_1']),
    );
    expect(schemas.NewsDraftArticleBodyDto!.required!.sort()).toEqual(
      ['content', 'thumb_media_id', 'title'].sort(),
    );
    expect(Object.keys(schemas.NewspicDraftArticleBodyDto!.properties)).toEqual(
      expect.arrayContaining(['article_type', 'image_info', 'cover_info', 'product_info']),
    );
    expect(schemas.DraftImageInfoBodyDto!.properties.image_list).toMatchObject({
      minItems: 1,
      maxItems: 20,
    });

    const update = doc.paths['/drafts/{mediaId}/articles/{index}']!.put!;
    expect(body(update).oneOf).toEqual(articles);
    expect(update.parameters!.map((p) => `${p.in}:${p.name}`).sort()).toEqual(
      ['path:index', 'path:mediaId'].sort(),
    );
    expect(Object.keys(update.responses)).toEqual(expect.arrayContaining(['204', '400', '404']));

    expect(answer(doc.paths['/drafts']!.get!, '200')).toEqual(ref('DraftPageDto'));
    expect(doc.paths['/drafts']!.get!.parameters!.map((p) => `${p.in}:${p.name}`).sort()).toEqual([
      'query:count',
      'query:no_content',
      'query:offset',
    ]);
    expect(answer(doc.paths['/drafts/{mediaId}']!.get!, '200')).toEqual(ref('DraftContentDto'));
    expect(Object.keys(doc.paths['/drafts/{mediaId}']!.delete!.responses)).toEqual(
      expect.arrayContaining(['204', '404']),
    );

    const submit = doc.paths['/drafts/{mediaId}/publish']!.post!;
    expect(answer(submit, '202')).toEqual(ref('PublishJobDto'));
    expect(submit.responses['202']!.headers).toHaveProperty('Location');
    expect(Object.keys(submit.responses)).toEqual(expect.arrayContaining(['404', '409', '422']));
    expect(answer(doc.paths['/publish-jobs/{publishId}']!.get!, '200')).toEqual(
      ref('PublishStatusDto'),
    );
    expect(Object.keys(schemas.PublishStatusDto!.properties)).toEqual(
      expect.arrayContaining(['publish_id', 'state', 'article_id', 'fail_idx']),
    );
    expect(schemas.PublishJobDto!.properties.publish_id!.type).toBe('string');
    expect(answer(doc.paths['/publications']!.get!, '200')).toEqual(ref('PublishedPageDto'));
    const publication = doc.paths['/publications/{articleId}']!;
    expect(answer(publication.get!, '200')).toEqual(ref('PublishedContentDto'));
    expect(publication.delete!.parameters!.map((p) => `${p.in}:${p.name}`).sort()).toEqual(
      ['path:articleId', 'query:index'].sort(),
    );
    expect(Object.keys(publication.delete!.responses)).toEqual(
      expect.arrayContaining(['204', '400', '404']),
    );
  });
});
