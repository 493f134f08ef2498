import { runApp } from '#bootstrap';
import { ConsoleModule } from './console.module.js';

await runApp(ConsoleModule, 'console');
