import type { z } from 'zod';

/**
 * One declaration gives a contract its subject, its runtime validator and (through `Payload<>`)
 * its TypeScript type, so the three cannot drift apart.
 */
export interface Contract<S extends string, T extends z.ZodType> {
  readonly subject: S;
  readonly schema: T;
}

export function defineContract<S extends string, T extends z.ZodType>(subject: S, schema: T): Contract<S, T> {
  return { subject, schema };
}

export interface RequestContract<S extends string, Q extends z.ZodType, R extends z.ZodType> {
  readonly subject: S;
  readonly request: Q;
  readonly response: R;
}

export function defineRequest<S extends string, Q extends z.ZodType, R extends z.ZodType>(
  subject: S,
  request: Q,
  response: R,
): RequestContract<S, Q, R> {
  return { subject, request, response };
}

export type Payload<C> = C extends Contract<string, infer T> ? z.infer<T> : never;
export type RequestOf<C> = C extends RequestContract<string, infer Q, z.ZodType> ? z.infer<Q> : never;
export type ResponseOf<C> = C extends RequestContract<string, z.ZodType, infer R> ? z.infer<R> : never;
