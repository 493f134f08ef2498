import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Module, type DynamicModule } from '@nestjs/common';
import { EventPublisher } from './event-publisher.js';
import { APP_ENV, APP_INFO, NATS_CONNECTION } from './messaging.tokens.js';
import type { Namespace } from './namespace.js';
import type { MessagingObserver } from './observer.js';
import { RequestClient } from './request-client.js';

export interface MessagingModuleOptions {
  app: string;
  nc: NatsConnection;
  ns: Namespace;
  env: NodeJS.ProcessEnv;
  requestTimeoutMs: number;
  observer?: MessagingObserver;
}

/**
 * Gives every app its publisher and request client on the connection bootstrap opened. Global
 * only for these few messaging providers, so stage modules need not import it.
 */
@Module({})
export class MessagingModule {
  static forApp(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: NATS_CONNECTION, useValue: options.nc },
        { provide: APP_ENV, useValue: options.env },
        { provide: APP_INFO, useValue: { app: options.app } },
        { provide: EventPublisher, useValue: new EventPublisher(jetstream(options.nc), options.ns, options.app) },
        { provide: RequestClient, useValue: new RequestClient(options.nc, options.ns, options.requestTimeoutMs, options.observer) },
      ],
      exports: [NATS_CONNECTION, APP_ENV, APP_INFO, EventPublisher, RequestClient],
    };
  }
}
