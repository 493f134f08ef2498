export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; throws (with a reason) when it does not. */
  check: () => Promise<void>;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

/**
 * What `/readyz` asks. Bootstrap adds NATS, the app's consumers and every database the app opened;
 * an app may add its own (`constructor(private readonly health: HealthChecks)`, `health.add(...)`).
 */
export class HealthChecks {
  private readonly checks: ReadinessCheck[] = [];

  add(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  async run(timeoutMs = 2000): Promise<{ ready: boolean; checks: CheckResult[] }> {
    const results = await Promise.all(this.checks.map((c) => runOne(c, timeoutMs)));
    return { ready: results.every((r) => r.ok), checks: results };
  }
}

async function runOne(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise<never>((_, fail) => {
        timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { name: check.name, ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { name: check.name, ok: false, ms: Math.round(performance.now() - started), error: (error as Error).message ?? String(error) };
  } finally {
    clearTimeout(timer);
  }
}
