import { runApp } from '#bootstrap';
import { StoryModule } from './story.module.js';

await runApp(StoryModule, 'story');
