import { runApp } from '#bootstrap';
import { CatalogModule } from './catalog.module.js';

await runApp(CatalogModule, 'catalog');
