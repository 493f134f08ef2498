import { createHash } from 'node:crypto';
import type { EmbeddingSpace } from './embedding/index.js';

/** Space names travel in `ArticleEmbeddedV1` (128 characters at most). */
const MAX_NAME = 128;

/** A space as the vector service's contract names it. */
export interface SpaceRef {
  name: string;
  dim: number;
}

export interface StageSpaces {
  text: SpaceRef;
  image: SpaceRef;
  /**
   * True when one model embeds both text and images into the same space (a CLIP-like server):
   * then parts of every kind are comparable and the representative is their mean.
   */
  joint: boolean;
  /** The model ids behind the spaces, as the embedders report them (before the name is cleaned). */
  textModel: string;
  imageModel: string;
}

/**
 * `<prefix><modality>__<model>__<dim>`. Model ids such as `BAAI/bge-m3` carry characters a space
 * name may not, so every run of them becomes `-`.
 */
export function spaceRef(prefix: string, modality: string, space: EmbeddingSpace): SpaceRef {
  const model = space.modelId.replace(/[^A-Za-z0-9_-]+/g, '-');
  let name = `${prefix}${modality}__${model}__${space.dim}`;
  if (name.length > MAX_NAME) {
    // Cut, and keep two long model ids that share a beginning apart.
    const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
    name = `${name.slice(0, MAX_NAME - 11)}_${hash}`;
  }
  return { name, dim: space.dim };
}

export function stageSpaces(prefix: string, text: EmbeddingSpace, image: EmbeddingSpace): StageSpaces {
  if (text.modelId === image.modelId && text.dim === image.dim) {
    const joint = spaceRef(prefix, 'joint', text);
    return { text: joint, image: joint, joint: true, textModel: text.modelId, imageModel: image.modelId };
  }
  return {
    text: spaceRef(prefix, 'text', text),
    image: spaceRef(prefix, 'image', image),
    joint: false,
    textModel: text.modelId,
    imageModel: image.modelId,
  };
}
