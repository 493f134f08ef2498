// One line per request contract file; owners add theirs here.
export * from './catalog/file-registry.v1.js';
