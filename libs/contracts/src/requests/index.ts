// One line per request contract file; owners add theirs here.
export * from './catalog/file-registry.v1.js';
export * from './catalog/article.v1.js';
export * from './catalog/article-text.v1.js';
export * from './catalog/article-embedding.v1.js';
export * from './catalog/fingerprint.v1.js';
export * from './catalog/category.v1.js';
export * from './catalog/edit.v1.js';
export * from './catalog/media.v1.js';
export * from './catalog/metric.v1.js';
export * from './catalog/publication.v1.js';
export * from './catalog/source.v1.js';
export * from './catalog/story.v1.js';
export * from './catalog/trend.v1.js';
export * from './catalog/video.v1.js';
export * from './files/files.v1.js';
export * from './logger/log-query.v1.js';
export * from './vector/vector.v1.js';
