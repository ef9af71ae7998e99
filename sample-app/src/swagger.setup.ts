import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const DOCS_PATH = 'docs';

/** Swagger UI at `/docs`, the OpenAPI document at `/docs-json` (and `/docs-yaml`). */
export async function setupSwagger(app: INestApplication): Promise<void> {
  const config = new DocumentBuilder()
    .setTitle('nestjs-wechat-material sample app')
    .setDescription(
      'Lists the permanent material of a WeChat Official Account through nestjs-wechat-material. ' +
        'Errors from WeChat are mapped to HTTP statuses by WechatExceptionFilter; WeChat fields ' +
        'are passed through in snake_case.',
    )
    .setVersion('1.0')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const adapter = app.getHttpAdapter();
  if (adapter.getType() !== 'fastify' || (await canImport('@fastify/static'))) {
    SwaggerModule.setup(DOCS_PATH, app, document);
    return;
  }
  // SwaggerModule serves the UI's files on Fastify through @fastify/static; without it, serve
  // the few files the page needs from swagger-ui-dist ourselves.
  SwaggerModule.setup(DOCS_PATH, app, document, { ui: false });
  const assets = swaggerUiDistPath();
  const files: Record<string, string> = {
    'swagger-ui.css': 'text/css; charset=utf-8',
    'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
    'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
    'favicon-32x32.png': 'image/png',
    'favicon-16x16.png': 'image/png',
  };
  const sendHtml = (_req: unknown, res: unknown) => {
    adapter.setHeader(res, 'Content-Type', 'text/html; charset=utf-8');
    adapter.reply(res, swaggerHtml(), 200);
  };
  adapter.get(`/${DOCS_PATH}`, sendHtml);
  adapter.get(`/${DOCS_PATH}/`, sendHtml);
  for (const [file, type] of Object.entries(files)) {
    adapter.get(`/${DOCS_PATH}/${file}`, async (_req: unknown, res: unknown) => {
      adapter.setHeader(res, 'Content-Type', type);
      adapter.reply(res, await readFile(join(assets, file)), 200);
    });
  }
}

async function canImport(specifier: string): Promise<boolean> {
  try {
    await import(specifier);
    return true;
  } catch {
    return false;
  }
}

/** swagger-ui-dist as @nestjs/swagger (its dependent) resolves it. */
function swaggerUiDistPath(): string {
  const swaggerEntry = createRequire(import.meta.url).resolve('@nestjs/swagger');
  return dirname(createRequire(swaggerEntry).resolve('swagger-ui-dist/package.json'));
}

function swaggerHtml(): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <title>Swagger UI</title>
  <link rel="stylesheet" href="/${DOCS_PATH}/swagger-ui.css">
  <link rel="icon" type="image/png" href="/${DOCS_PATH}/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/${DOCS_PATH}/swagger-ui-bundle.js"></script>
  <script src="/${DOCS_PATH}/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: '/${DOCS_PATH}-json',
      dom_id: '#swagger-ui',
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: 'StandaloneLayout',
    });
  </script>
</body>
</html>
`;
}
