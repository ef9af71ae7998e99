import { type INestApplication, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type AdapterName, createAdapter, createApp, upstreamOf } from './create-app.js';
import type { SampleAppOptions } from './sample-app.options.js';
import { DOCS_PATH } from './swagger.setup.js';

export interface BootstrapOptions extends SampleAppOptions {
  /** Default: HTTP_ADAPTER, else 'express'. */
  adapter?: AdapterName;
}

/**
 * Creates the app, listens on PORT (default 3000) and HOST (default 127.0.0.1), and logs
 * where WeChat calls go and where the docs are.
 */
export async function bootstrap(options: BootstrapOptions = {}): Promise<INestApplication> {
  const adapter =
    options.adapter ?? (process.env.HTTP_ADAPTER === 'fastify' ? 'fastify' : 'express');
  const app = await createApp(createAdapter(adapter), options);
  // SIGINT/SIGTERM close the app, which stops the embedded fake and the module's sockets.
  app.enableShutdownHooks();
  const config = app.get(ConfigService);
  const port = Number(config.get<string>('PORT') || 3000);
  const host = config.get<string>('HOST') || '127.0.0.1';
  try {
    await app.listen(port, host);
  } catch (error) {
    await app.close();
    throw error;
  }
  logStartup(app, adapter);
  return app;
}

function logStartup(app: INestApplication, adapter: AdapterName): void {
  const logger = new Logger('SampleApp');
  const upstream = upstreamOf(app);
  if (upstream.ownedFake) {
    logger.log(
      `No WECHAT_APP_ID/WECHAT_APP_SECRET set: using an embedded FakeWechatServer at ` +
        `${upstream.baseUrl} with sample data (offline; set both variables to call WeChat)`,
    );
  } else if (upstream.mode === 'fake') {
    logger.log(`Using the FakeWechatServer at ${upstream.baseUrl}`);
  } else {
    logger.log(
      `Calling WeChat at ${upstream.baseUrl ?? 'https://api.weixin.qq.com'} as ${upstream.appId}`,
    );
  }
  const url = appUrl(app);
  logger.log(`Listening on ${url} (${adapter})`);
  logger.log(`Swagger UI: ${url}/${DOCS_PATH} (OpenAPI JSON: ${url}/${DOCS_PATH}-json)`);
  logger.log(`Prometheus metrics: ${url}/metrics`);
  logger.log(`Readiness (WeChat token and quota): ${url}/health`);
  logger.log(`Try: curl '${url}/materials?type=image&offset=0&count=20'`);
}

function appUrl(app: INestApplication): string {
  const address = app.getHttpServer().address() as { address: string; port: number } | string;
  if (typeof address === 'string') return address;
  const host =
    address.address === '::' || address.address === '0.0.0.0'
      ? 'localhost'
      : address.address.includes(':')
        ? `[${address.address}]`
        : address.address;
  return `http://${host}:${address.port}`;
}
