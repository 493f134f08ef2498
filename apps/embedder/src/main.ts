import { runApp } from '#bootstrap';
import { EmbedderModule } from './embedder.module.js';

await runApp(EmbedderModule, 'embedder');
