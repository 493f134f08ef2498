import type { ServerResponse } from 'node:http';

/** Faults a fake answers with before it answers normally again (for tests and demos). */
export class Faults {
  private queue: { status: number; retryAfter?: string; body?: string }[] = [];

  /** The next `count` requests get `status` (with a Retry-After header when given). */
  fail(status: number, count = 1, retryAfter?: string, body?: string): void {
    for (let i = 0; i < count; i++) this.queue.push({ status, retryAfter, body });
  }

  /** Answers with the next queued fault; false when none is queued. */
  answer(res: ServerResponse, contentType: string): boolean {
    const fault = this.queue.shift();
    if (!fault) return false;
    res.statusCode = fault.status;
    if (fault.retryAfter) res.setHeader('retry-after', fault.retryAfter);
    res.setHeader('content-type', contentType);
    res.end(fault.body ?? '');
    return true;
  }
}
