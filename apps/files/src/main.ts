import { runApp } from '#bootstrap';
import { FilesModule } from './files.module.js';

await runApp(FilesModule, 'files');
