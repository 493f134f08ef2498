import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type winston from 'winston';
import { Module, type DynamicModule } from '@nestjs/common';
import { EventPublisher } from './event-publisher.js';
import { APP_ENV, APP_INFO, APP_LOGGER, NATS_CONNECTION } from './messaging.tokens.js';
import type { Namespace } from './namespace.js';
import type { AppDeclaration } from './streams.config.js';
import type { MessagingObserver } from './observer.js';
import { RequestClient } from './request-client.js';

export interface MessagingModuleOptions {
  app: string;
  nc: NatsConnection;
  ns: Namespace;
  env: NodeJS.ProcessEnv;
  requestTimeoutMs: number;
  logger: winston.Logger;
  /** `config/apps/<app>.yaml`: what the app may publish and whom it may ask. */
  declaration?: Pick<AppDeclaration, 'publishes' | 'requests'>;
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
        { provide: APP_LOGGER, useValue: options.logger },
        {
          provide: EventPublisher,
          useValue: new EventPublisher(jetstream(options.nc), options.ns, options.app, options.declaration?.publishes),
        },
        {
          provide: RequestClient,
          useValue: new RequestClient(
            options.nc,
            options.ns,
            options.requestTimeoutMs,
            options.observer,
            options.declaration && { app: options.app, requests: options.declaration.requests },
          ),
        },
      ],
      exports: [NATS_CONNECTION, APP_ENV, APP_INFO, APP_LOGGER, EventPublisher, RequestClient],
    };
  }
}
