/** Calls a day per path, and what is used of them (a "day" ends with resetCounters()). */
export class QuotaLedger {
  private readonly used = new Map<string, number>();

  constructor(private readonly limits: ReadonlyMap<string, number>) {}

  /** Takes one call of `path`'s daily quota: false (45009) when none is left. */
  take(path: string): boolean {
    const limit = this.limits.get(path);
    if (limit === undefined) return true;
    const used = this.used.get(path) ?? 0;
    if (used >= limit) return false;
    this.used.set(path, used + 1);
    return true;
  }

  reset(): void {
    this.used.clear();
  }

  /** quota/get's answer for `cgiPath`, or undefined for a path without a known limit. */
  report(cgiPath: string): { daily_limit: number; used: number; remain: number } | undefined {
    const limit = this.limits.get(cgiPath);
    if (limit === undefined) return undefined;
    const used = this.used.get(cgiPath) ?? 0;
    return { daily_limit: limit, used, remain: limit - used };
  }
}
