import { createHash, randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { FileClass, FilesAllocateRequestV1 } from '#contracts';
import { InvalidKeyError } from './storage.errors.js';

/**
 * The on-disk layout (docs/storage-layout.md): one folder per owner, date first, 256 shards per day.
 *
 *   articles/<yyyy>/<mm>/<dd>/<shard>/<articleId>/text.txt | image-001.jpg | image-001.thumb.webp | video-001.mp4
 *   generated/<yyyy>/<mm>/<dd>/<shard>/<storyId>/story.txt | video.mp4 | edited-001.mp4
 *   scopes/<scope>/<yyyy>/<mm>/<dd>/<shard>/<scopeId>/<name>
 *
 * The shard is derived from the owner, so a key is a pure function of the request: retries get the
 * same key, and nothing but the files service needs to know the rule.
 */
export const MAX_KEY_LENGTH = 512;

const DATE = String.raw`20\d{2}/(?:0[1-9]|1[0-2])/(?:0[1-9]|[12]\d|3[01])`;
const SHARD = '[0-9a-f]{2}';
const NUMERIC_OWNER = '[1-9][0-9]{0,15}';
const SCOPE_OWNER = '[A-Za-z0-9][A-Za-z0-9_-]{0,63}';
const WORD = '[a-z0-9][a-z0-9-]{0,63}';
// A name always has an extension and never starts with a dot: temp files and ledgers are hidden.
const NAME = `${WORD}(?:\\.${WORD}){1,3}`;

const KEY_PATTERN = new RegExp(
  `^(?:(articles|generated)/(${DATE})/(${SHARD})/(${NUMERIC_OWNER})|scopes/([a-z][a-z0-9-]{0,31})/(${DATE})/(${SHARD})/(${SCOPE_OWNER}))/(${NAME})$`,
);

export type OwnerKind = 'article' | 'story' | 'scope';

export interface ParsedKey {
  key: string;
  owner: OwnerKind;
  /** articleId / storyId as a string, or the scope folder. */
  ownerId: string;
  scope: string | null;
  /** `yyyy/mm/dd` */
  date: string;
  shard: string;
  /** Folder of the owner, relative to the root. */
  folder: string;
  name: string;
}

/**
 * Checks a key from the network. Anything that is not already in canonical form is refused rather
 * than repaired: a key that needs normalising was not made by `allocateKey`.
 */
export function parseKey(raw: unknown): ParsedKey {
  if (typeof raw !== 'string') throw new InvalidKeyError('the key must be a string');
  if (raw.length === 0) throw new InvalidKeyError('the key is empty');
  if (raw.length > MAX_KEY_LENGTH) throw new InvalidKeyError(`the key is longer than ${MAX_KEY_LENGTH} characters`);
  if (raw.includes('\0')) throw new InvalidKeyError('the key contains a NUL byte');
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new InvalidKeyError('the key contains a control character');
  if (raw.includes('\\')) throw new InvalidKeyError('the key contains a backslash');
  if (raw.startsWith('/')) throw new InvalidKeyError('the key is absolute; keys are relative to the file root');
  if (/^[A-Za-z]:/.test(raw)) throw new InvalidKeyError('the key looks like a drive path');
  const segments = raw.split('/');
  if (segments.some((s) => s === '..')) throw new InvalidKeyError('the key contains a ".." segment');
  if (segments.some((s) => s === '.' || s === '')) throw new InvalidKeyError('the key contains an empty or "." segment');
  if (segments.some((s) => s.startsWith('.'))) throw new InvalidKeyError('the key names a hidden file or folder');
  if (posix.normalize(raw) !== raw) throw new InvalidKeyError('the key is not in normal form');
  const match = KEY_PATTERN.exec(raw);
  if (!match) {
    throw new InvalidKeyError(
      'the key does not follow the layout <articles|generated|scopes/<scope>>/<yyyy>/<mm>/<dd>/<shard>/<owner>/<name>.<ext>; ask files.allocate.v1 for keys',
    );
  }
  const [, top, topDate, topShard, topOwner, scope, scopeDate, scopeShard, scopeOwner, name] = match;
  const parsed: ParsedKey =
    scope === undefined
      ? {
          key: raw,
          owner: top === 'articles' ? 'article' : 'story',
          ownerId: topOwner!,
          scope: null,
          date: topDate!,
          shard: topShard!,
          folder: posix.dirname(raw),
          name: name!,
        }
      : {
          key: raw,
          owner: 'scope',
          ownerId: scopeOwner!,
          scope,
          date: scopeDate!,
          shard: scopeShard!,
          folder: posix.dirname(raw),
          name: name!,
        };
  if (parsed.shard !== shardOf(parsed.owner, parsed.scope, parsed.ownerId)) {
    throw new InvalidKeyError('the shard does not belong to the owner; ask files.allocate.v1 for keys');
  }
  return parsed;
}

export function shardOf(owner: OwnerKind, scope: string | null, ownerId: string): string {
  const label = owner === 'scope' ? `scope:${scope}:${ownerId}` : `${owner}:${ownerId}`;
  return createHash('sha256').update(label).digest('hex').slice(0, 2);
}

const ARTICLE_ROLES = new Set(['text', 'image', 'thumb', 'video', 'keyframe']);
const STORY_ROLES = new Set(['story', 'generated', 'edited', 'thumb', 'keyframe']);

/** Builds the key for a part of an owner; the same request always gives the same key. */
export function allocateKey(request: FilesAllocateRequestV1, now: Date = new Date()): string {
  const when = request.ownerCreatedAt ? new Date(request.ownerCreatedAt) : now;
  const date = `${when.getUTCFullYear()}/${pad(when.getUTCMonth() + 1, 2)}/${pad(when.getUTCDate(), 2)}`;
  let prefix: string;
  let owner: OwnerKind;
  let ownerId: string;
  let scope: string | null = null;
  if (request.articleId !== undefined) {
    owner = 'article';
    ownerId = String(request.articleId);
    prefix = 'articles';
    if (!ARTICLE_ROLES.has(request.role)) throw new InvalidKeyError(`an article has no "${request.role}" files`);
  } else if (request.storyId !== undefined) {
    owner = 'story';
    ownerId = String(request.storyId);
    prefix = 'generated';
    if (!STORY_ROLES.has(request.role)) throw new InvalidKeyError(`a story has no "${request.role}" files`);
  } else if (request.scope !== undefined) {
    owner = 'scope';
    scope = request.scope;
    ownerId = request.scopeId ?? randomBytes(8).toString('hex');
    prefix = `scopes/${scope}`;
  } else {
    throw new InvalidKeyError('give exactly one of articleId, storyId, scope');
  }
  const key = `${prefix}/${date}/${shardOf(owner, scope, ownerId)}/${ownerId}/${fileName(request)}`;
  return parseKey(key).key;
}

function fileName(request: FilesAllocateRequestV1): string {
  const { role, ext, index, frame } = request;
  const numbered = (base: string): string => (index === undefined ? base : `${base}-${pad(index, 3)}`);
  const required = (): number => {
    if (index === undefined) throw new InvalidKeyError(`a "${role}" file needs an index (its order in the owner)`);
    return index;
  };
  switch (role) {
    case 'text':
      return `${numbered('text')}.${ext}`;
    case 'story':
      return `${numbered('story')}.${ext}`;
    case 'generated':
      return `${numbered('video')}.${ext}`;
    case 'image':
      return `image-${pad(required(), 3)}.${ext}`;
    case 'video':
      return `video-${pad(required(), 3)}.${ext}`;
    case 'edited':
      return `edited-${pad(required(), 3)}.${ext}`;
    case 'thumb':
      return `image-${pad(required(), 3)}.thumb.${ext}`;
    case 'keyframe': {
      if (frame === undefined) throw new InvalidKeyError('a keyframe needs its frame number');
      return `video-${pad(required(), 3)}.keyframe-${pad(frame, 6)}.${ext}`;
    }
  }
}

/** How retention treats a file; the catalog keeps it up to date (publication flips videos). */
export function fileClassOf(parsed: ParsedKey): FileClass {
  if (parsed.owner === 'article') return 'scraped';
  if (parsed.owner === 'story' && /^(video|edited)(-\d+)?\./.test(parsed.name)) return 'generated-unpublished';
  return 'other';
}

export function articleIdOf(parsed: ParsedKey): number | null {
  return parsed.owner === 'article' ? Number(parsed.ownerId) : null;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
