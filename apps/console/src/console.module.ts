import { Module } from '@nestjs/common';
import { ConsoleWeb } from './console.web.js';

/** The operators' web console: no pipeline consumer, only requests to the owners and the DLQ. */
@Module({ providers: [ConsoleWeb] })
export class ConsoleModule {}
