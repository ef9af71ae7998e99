import type { LoggerService } from '@nestjs/common';

export interface LogLine {
  level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  message: string;
  context?: string;
}

/** Every argument as text (errors with their stack), so leak checks see all of it. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return `${value.name}: ${value.message}\n${value.stack ?? ''}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Keeps every line Nest's Logger writes, so tests can assert on them (and stay quiet). */
export class CapturingLogger implements LoggerService {
  readonly lines: LogLine[] = [];

  private push(level: LogLine['level'], message: unknown, params: unknown[]): void {
    const last = params[params.length - 1];
    const context = typeof last === 'string' ? last : undefined;
    const rest = context === undefined ? params : params.slice(0, -1);
    this.lines.push({ level, message: [message, ...rest].map(render).join(' '), context });
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
