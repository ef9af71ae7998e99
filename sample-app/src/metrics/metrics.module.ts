import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { WechatMetrics } from './wechat-metrics.js';

/**
 * `WechatMetrics` (one per app: Nest creates the module once per application) and
 * `GET /metrics`. Imported by `WechatMaterialModule.forRootAsync` to feed its `onCall`.
 */
@Module({
  providers: [WechatMetrics],
  controllers: [MetricsController],
  exports: [WechatMetrics],
})
export class MetricsModule {}
