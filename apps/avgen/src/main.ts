import { runApp } from '#bootstrap';
import { AvgenModule } from './avgen.module.js';

await runApp(AvgenModule, 'avgen');
