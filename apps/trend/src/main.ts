import { runApp } from '#bootstrap';
import { TrendModule } from './trend.module.js';

await runApp(TrendModule, 'trend');
