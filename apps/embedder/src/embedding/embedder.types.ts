/**
 * One embedding space: vectors from the same space (same model id, same dim) are comparable,
 * vectors from different spaces are not, even when their dims happen to match.
 */
export interface EmbeddingSpace {
  /** Stored next to every vector; a stand-in says so in its id. */
  readonly modelId: string;
  readonly dim: number;
  /** True for the in-process deterministic features, false for a real model behind a server. */
  readonly standIn: boolean;
}

/** Returns one L2-normalised vector per input text, in input order. */
export interface TextEmbedder extends EmbeddingSpace {
  embedTexts(texts: string[]): Promise<Float32Array[]>;
}

/** Returns one L2-normalised vector per encoded image (JPEG, PNG, WebP, GIF, ...), in input order. */
export interface ImageEmbedder extends EmbeddingSpace {
  embedImages(images: Buffer[]): Promise<Float32Array[]>;
}
