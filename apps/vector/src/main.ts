import { runApp } from '#bootstrap';
import { VectorModule } from './vector.module.js';

await runApp(VectorModule, 'vector');
