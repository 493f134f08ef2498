import { runApp } from '#bootstrap';
import { PublisherModule } from './publisher.module.js';

await runApp(PublisherModule, 'publisher');
