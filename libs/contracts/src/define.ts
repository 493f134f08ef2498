import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';

/**
 * One declaration gives a contract its subject, its runtime validator and (through `Payload<>`)
 * its TypeScript type, so the three cannot drift apart.
 */
export interface Contract<S extends string, T extends z.ZodType> {
  readonly subject: S;
  readonly schema: T;
}

/**
 * Every event contract, by subject. A contract registers itself when its file is loaded, so there
 * is no hand-kept list to forget; `loadEventContracts()` loads every file of `events/`, for the
 * services that see every subject (the logger) and for the layout test.
 */
const registry = new Map<string, Contract<string, z.ZodType>>();

/**
 * The typed list of event subjects: each contract file adds its own entry by declaration merging,
 * `declare module '../define.js' { interface EventRegistry { 'pipeline.x.y.v1': typeof XYV1 } }`,
 * so `EventOf<'pipeline.x.y.v1'>` is checked at compile time with no central edit.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EventRegistry {}

/** Defines and registers an event contract; a second contract for one subject is a boot error. */
export function defineContract<S extends string, T extends z.ZodType>(subject: S, schema: T): Contract<S, T> {
  const existing = registry.get(subject);
  if (existing && existing.schema !== schema) throw new Error(`Two event contracts define ${subject}`);
  const contract = { subject, schema };
  registry.set(subject, contract);
  return contract;
}

/** The contract of an event subject, when its file has been loaded. */
export function eventContract(subject: string): Contract<string, z.ZodType> | undefined {
  return registry.get(subject);
}

/** Every contract loaded so far, by subject. */
export function eventContracts(): ReadonlyMap<string, Contract<string, z.ZodType>> {
  return registry;
}

let loading: Promise<ReadonlyMap<string, Contract<string, z.ZodType>>> | null = null;

/** Loads every contract file of `events/` (compiled or, under a TS loader, source) and returns the registry. */
export function loadEventContracts(): Promise<ReadonlyMap<string, Contract<string, z.ZodType>>> {
  loading ??= (async () => {
    const dir = join(import.meta.dirname, 'events');
    const extension = import.meta.filename.endsWith('.ts') ? '.ts' : '.js';
    const files = readdirSync(dir).filter((name) => name.endsWith(extension) && !name.startsWith('index.') && !name.endsWith('.d.ts'));
    for (const name of files.sort()) await import(pathToFileURL(join(dir, name)).href);
    return registry;
  })();
  return loading;
}

export type EventSubject = keyof EventRegistry & string;
/** Subject -> payload type, checked at compile time: `EventOf<'pipeline.article.stored.v1'>`. */
export type EventOf<S extends EventSubject> = EventRegistry[S] extends Contract<string, infer T> ? z.infer<T> : never;

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
