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
/** Where the consumed message's trace context is found, on its envelope object (never serialised). */
const TRACE = Symbol('traceparent');

const HEX32 = /^[0-9a-f]{32}$/;
const TRACEPARENT_FORMAT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function hex(id: string): string {
  const plain = id.replaceAll('-', '').toLowerCase();
  return HEX32.test(plain) ? plain : createHash('sha256').update(id).digest('hex').slice(0, 32);
}

/**
 * Remembers the message an envelope arrived in, so what the handler publishes joins its trace.
 * The headers are read only then: decoding them for every consumed message cost about 1 µs, and a
 * handler that publishes nothing (the logger, a sink) never needs them.
 */
export function attachTrace(envelope: Envelope, message: { readonly headers?: MsgHdrs }): void {
  Object.defineProperty(envelope, TRACE, { value: message, enumerable: false });
}

/** The valid traceparent the envelope's message arrived with, if any. */
export function traceOf(envelope: object | undefined): string | undefined {
  const message = envelope ? (envelope as Record<symbol, { readonly headers?: MsgHdrs } | undefined>)[TRACE] : undefined;
  const value = message?.headers?.get(TRACEPARENT);
  return value && TRACEPARENT_FORMAT.test(value) ? value : undefined;
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
