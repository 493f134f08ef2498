import { runApp } from '#bootstrap';
import { TrendwatchModule } from './trendwatch.module.js';

await runApp(TrendwatchModule, 'trendwatch');
