import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { WechatHealthIndicator } from '../../lib/terminus/index.js';

/** Below this many batchget_material calls left today, the app stops taking traffic. */
const MIN_REMAINING_LISTINGS = 100;

/**
 * `GET /health` for a Kubernetes readinessProbe: 200 when a WeChat token can be had and the
 * listing quota is not nearly spent, else terminus's 503 with `{ reason, errcode? }`. Left
 * out of the OpenAPI document, like /metrics: probes need no schema.
 */
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly wechat: WechatHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () =>
        this.wechat.isHealthy('wechat', {
          quota: {
            cgiPath: '/cgi-bin/material/batchget_material',
            minRemaining: MIN_REMAINING_LISTINGS,
          },
        }),
    ]);
  }
}
