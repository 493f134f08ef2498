import { runApp } from '#bootstrap';
import { ScraperModule } from './scraper.module.js';

await runApp(ScraperModule, 'scraper');
