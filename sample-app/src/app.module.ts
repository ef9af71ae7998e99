import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { WechatMaterialModule, type WechatMaterialModuleOptions } from '../../lib/index.js';
import { WechatHealthIndicator } from '../../lib/terminus/index.js';
import { DraftsController } from './drafts.controller.js';
import { validateEnv } from './env.validation.js';
import { HealthController } from './health.controller.js';
import { MaterialMediaController } from './material-media.controller.js';
import { MaterialsController } from './materials.controller.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { WechatMetrics } from './metrics/wechat-metrics.js';
import { PublishingController } from './publishing.controller.js';
import { SAMPLE_APP_OPTIONS, type SampleAppOptions } from './sample-app.options.js';
import { TemporaryMediaController } from './temporary-media.controller.js';
import {
  WECHAT_UPSTREAM,
  WechatUpstreamLifecycle,
  wechatUpstreamProvider,
  type WechatUpstream,
} from './wechat-upstream.provider.js';

/** Decides where WeChat calls go (real API or embedded fake) and owns the fake's lifetime. */
@Module({})
export class WechatUpstreamModule {}

@Module({})
export class AppModule {
  static forRoot(options: SampleAppOptions = {}): DynamicModule {
    // One object imported twice below, so Nest creates a single upstream (and a single fake).
    const upstream: DynamicModule = {
      module: WechatUpstreamModule,
      providers: [
        { provide: SAMPLE_APP_OPTIONS, useValue: options },
        wechatUpstreamProvider,
        WechatUpstreamLifecycle,
      ],
      exports: [WECHAT_UPSTREAM],
    };
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, cache: true, validate: validateEnv }),
        upstream,
        MetricsModule,
        TerminusModule,
        WechatMaterialModule.forRootAsync({
          imports: [upstream, MetricsModule],
          inject: [ConfigService, WECHAT_UPSTREAM, WechatMetrics],
          useFactory: (
            config: ConfigService,
            wechat: WechatUpstream,
            metrics: WechatMetrics,
          ): WechatMaterialModuleOptions => {
            const timeoutMs = config.get<string>('WECHAT_TIMEOUT_MS');
            // An onCall given in the options runs after the metrics, not instead of them.
            const { onCall, ...overrides } = options.wechat ?? {};
            return {
              appId: wechat.appId,
              appSecret: wechat.appSecret,
              ...(wechat.baseUrl ? { baseUrl: wechat.baseUrl } : {}),
              ...(timeoutMs ? { timeoutMs: Number(timeoutMs) } : {}),
              ...overrides,
              onCall: onCall
                ? (e) => {
                    metrics.record(e);
                    onCall(e);
                  }
                : metrics.record,
            };
          },
        }),
      ],
      controllers: [
        MaterialsController,
        MaterialMediaController,
        TemporaryMediaController,
        DraftsController,
        PublishingController,
        HealthController,
      ],
      // Next to the module whose AccessTokenService and QuotaService it probes.
      providers: [WechatHealthIndicator],
    };
  }
}
