import type { LoggerService } from '@nestjs/common';

export interface LogLine {
  level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  message: string;
  context?: string;
}

/** Keeps every line Nest's Logger writes, so tests can assert on them (and stay quiet). */
export class CapturingLogger implements LoggerService {
  readonly lines: LogLine[] = [];

  private push(level: LogLine['level'], message: unknown, params: unknown[]): void {
    const context = params.length > 0 ? params[params.length - 1] : undefined;
    const extra = params.slice(0, -1).map((p) => (typeof p === 'string' ? p : JSON.stringify(p)));
    this.lines.push({
      level,
      message: [typeof message === 'string' ? message : JSON.stringify(message), ...extra].join(
        ' ',
      ),
      context: typeof context === 'string' ? context : undefined,
    });
  }

  log(message: unknown, ...params: unknown[]): void {
    this.push('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.push('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.push('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.push('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.push('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.push('fatal', message, params);
  }

  /** Lines written with the module's context. */
  wechat(level?: LogLine['level']): LogLine[] {
    return this.lines.filter(
      (l) => l.context === 'WechatMaterial' && (level === undefined || l.level === level),
    );
  }

  text(): string {
    return this.lines.map((l) => `${l.level} [${l.context ?? ''}] ${l.message}`).join('\n');
  }
}
