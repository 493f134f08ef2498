import { createHash } from 'node:crypto';
import type { Envelope } from '#contracts';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';

export type HandlerOutcome = 'handled' | 'retried' | 'dead-lettered';
export type RequestOutcome = 'ok' | 'error' | 'timeout' | 'no-service';

/**
 * What the transport reports about its work; the operations library turns it into metrics. An
 * interface here keeps messaging free of any metrics dependency.
 */
export interface MessagingObserver {
  handlerStarted(handler: string, subject: string): void;
  handlerFinished(handler: string, subject: string, outcome: HandlerOutcome, seconds: number): void;
  requestFinished(subject: string, outcome: RequestOutcome, seconds: number): void;
}

export const TRACEPARENT = 'traceparent';
/** The consumed message's trace context, carried on its envelope object (never serialised). */
const TRACE = Symbol('traceparent');

const HEX32 = /^[0-9a-f]{32}$/;
const TRACEPARENT_FORMAT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function hex(id: string): string {
  const plain = id.replaceAll('-', '').toLowerCase();
  return HEX32.test(plain) ? plain : createHash('sha256').update(id).digest('hex').slice(0, 32);
}

/** Remembers the traceparent a consumed message arrived with, so what the handler publishes joins it. */
export function attachTrace(envelope: Envelope, msgHeaders: MsgHdrs | undefined): void {
  const value = msgHeaders?.get(TRACEPARENT);
  if (value && TRACEPARENT_FORMAT.test(value)) Object.defineProperty(envelope, TRACE, { value, enumerable: false });
}

export function traceOf(envelope: object | undefined): string | undefined {
  return envelope ? ((envelope as Record<symbol, string | undefined>)[TRACE] ?? undefined) : undefined;
}

/**
 * W3C trace context for an outgoing event: the trace of the message being handled when it had one,
 * else a trace id derived from the correlation id (every event of one chain shares it); the span
 * id is the new event's own id, so a redelivery reproduces the same header.
 */
export function traceparentFor(envelope: Pick<Envelope, 'id' | 'correlationId'>, parent?: string): string {
  const parsed = parent ? TRACEPARENT_FORMAT.exec(parent) : null;
  const traceId = parsed ? parsed[1]! : hex(envelope.correlationId);
  return `00-${traceId}-${hex(envelope.id).slice(0, 16)}-01`;
}

export function traceHeaders(traceparent: string): MsgHdrs {
  const h = natsHeaders();
  h.set(TRACEPARENT, traceparent);
  return h;
}
