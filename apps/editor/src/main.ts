import { runApp } from '#bootstrap';
import { EditorModule } from './editor.module.js';

await runApp(EditorModule, 'editor');
