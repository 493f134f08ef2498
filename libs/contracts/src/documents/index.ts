export * from './story-script.v1.js';
export * from './edit-decision-list.v1.js';
