import { runApp } from '#bootstrap';
import { MetricsModule } from './metrics.module.js';

await runApp(MetricsModule, 'metrics');
