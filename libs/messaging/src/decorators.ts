import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { PARAM_ARGS_METADATA } from '@nestjs/microservices/constants.js';
import type { Contract, RequestContract } from '#contracts';
import type { z } from 'zod';

export interface HandlerExtras {
  contract?: Contract<string, z.ZodType> | RequestContract<string, z.ZodType, z.ZodType>;
  /** `Class.method`, named in dead letters and logs. */
  handler?: string;
}

/**
 * Marks a stage's subscriber for one pipeline subject (or a wildcard such as `pipeline.>`). The
 * handler gets `(payload, ctx: EventContext)`; returning acks the message, throwing retries it
 * (or dead-letters it at once for a `PoisonMessageError`).
 */
export function OnEvent(target: Contract<string, z.ZodType> | string): MethodDecorator {
  return (prototype, key, descriptor) => {
    const handler = `${prototype.constructor.name}.${String(key)}`;
    const extras: HandlerExtras = typeof target === 'string' ? { handler } : { contract: target, handler };
    defaultParams(prototype, key);
    EventPattern(typeof target === 'string' ? target : target.subject, extras)(prototype, key, descriptor as never);
  };
}

/** Marks a request/reply handler of a data owner; request and response are validated. */
export function OnRequest(contract: RequestContract<string, z.ZodType, z.ZodType>): MethodDecorator {
  return (prototype, key, descriptor) => {
    const extras: HandlerExtras = { contract, handler: `${prototype.constructor.name}.${String(key)}` };
    defaultParams(prototype, key);
    MessagePattern(contract.subject, extras)(prototype, key, descriptor as never);
  };
}

/** `(payload, ctx)` without writing `@Payload()` and `@Ctx()` on every handler. */
function defaultParams(prototype: object, key: string | symbol): void {
  const params = (Reflect.getMetadata(PARAM_ARGS_METADATA, prototype.constructor, key) ?? {}) as Record<string, { index: number }>;
  const taken = new Set(Object.values(params).map((p) => p.index));
  if (!taken.has(0)) Payload()(prototype, key, 0);
  if (!taken.has(1)) Ctx()(prototype, key, 1);
}
