// The contracts of the first stages, re-exported for `#contracts`. A newer contract is imported by
// its own path (`#contracts/events/<name>.v1`): each file registers itself (see define.ts), so
// nothing here has to list it.
export * from './article-embedded.v1.js';
export * from './article-stored.v1.js';
export * from './dead-letter-replayed.v1.js';
export * from './file-purged.v1.js';
export * from './metrics-collected.v1.js';
export * from './metrics-requested.v1.js';
export * from './scrape-requested.v1.js';
export * from './story-written.v1.js';
export * from './trend-detected.v1.js';
export * from './video-edited.v1.js';
export * from './video-generated.v1.js';
export * from './video-published.v1.js';
