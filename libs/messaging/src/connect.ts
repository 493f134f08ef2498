import { connect, errors, type NatsConnection } from '@nats-io/transport-node';
import { inboxPrefix } from './permissions.js';
import { redactUrl } from '#config';
import type winston from 'winston';

export interface NatsConnectOptions {
  url: string;
  app: string;
  user?: string;
  password?: string;
  logger?: winston.Logger;
}

/** Connects with settings every service shares; a clear error when the router is not there. */
export async function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.url.split(','),
      name: options.app,
      // The router lets each app's user subscribe only under its own inbox prefix.
      inboxPrefix: inboxPrefix(options.app),
      user: options.user,
      pass: options.password,
      // A stack capture per request costs more than the request itself on loopback.
      noAsyncTraces: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
    });
  } catch (error) {
    if (error instanceof errors.AuthorizationError || /authorization/i.test((error as Error).message)) {
      throw new Error(
        `NATS at ${redactUrl(options.url)} refused ${options.user ? `user "${options.user}"` : 'a connection without a user'}: ` +
          `${(error as Error).message}. Check NATS_USER and NATS_PASSWORD; the router's users come from config/apps/*.yaml ` +
          '(npm run nats:auth prints them).',
        { cause: error },
      );
    }
    throw new Error(
      `Cannot connect to NATS at ${redactUrl(options.url)} (${redactUrl((error as Error).message)}). Start it (npm start does, or ` +
        `"nats-server -js") or set NATS_URL.`,
      { cause: error },
    );
  }
  try {
    checkServerVersion(nc.info?.version);
  } catch (error) {
    await nc.close();
    throw error;
  }
  if (options.logger) void watchStatus(nc, options.logger);
  return nc;
}

/**
 * The oldest nats-server the delivery layer is written for: pull consumers with `working()`,
 * `nak(delay)` and message-id de-duplication all work from 2.9.0. Dead letters do not rely on
 * `term(reason)` (ignored before 2.10.4); they are acked once the DLQ stream holds them.
 */
export const MIN_NATS_SERVER = '2.9.0';

export function checkServerVersion(version: string | undefined): void {
  if (!version) return;
  const parts = (v: string): number[] => v.split(/[.-]/).slice(0, 3).map((p) => Number.parseInt(p, 10) || 0);
  const [a, b, c] = parts(version);
  const [x, y, z] = parts(MIN_NATS_SERVER);
  const older = a! !== x! ? a! < x! : b! !== y! ? b! < y! : c! < z!;
  if (older) {
    throw new Error(`nats-server ${version} is too old: the pipeline needs ${MIN_NATS_SERVER} or later (JetStream pull consumers, nak with delay).`);
  }
}


async function watchStatus(nc: NatsConnection, logger: winston.Logger): Promise<void> {
  for await (const status of nc.status()) {
    if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'error') {
      // A permissions violation arrives here: name it, it is a deployment fault to fix.
      const detail = 'error' in status && status.error instanceof Error ? `: ${status.error.message}` : '';
      logger.warn(`nats ${status.type}${detail}`);
    }
  }
}
