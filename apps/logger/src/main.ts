import { runApp } from '#bootstrap';
import { LoggerModule } from './logger.module.js';

await runApp(LoggerModule, 'logger');
