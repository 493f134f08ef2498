import type { ImageEmbedder, TextEmbedder } from './embedder.types.js';
import { ImageInputError, KeyframeExtractionError } from './embedding.errors.js';
import type { Keyframe } from './ffmpeg-keyframe.extractor.js';
import { meanPool } from './vector.util.js';

export interface KeyframeSource {
  extract(file: string): Promise<Keyframe[]>;
}

export type VideoFramesPart =
  | {
      status: 'embedded';
      /** Image space: the model id and dim of the image embedder. */
      modelId: string;
      /** Mean of the frame vectors, re-normalised: the one vector that stands for the video. */
      pooled: Float32Array;
      frames: Array<{ timeS: number; vector: Float32Array }>;
    }
  | { status: 'failed'; error: KeyframeExtractionError | ImageInputError };

export type VideoCaptionPart =
  | { status: 'embedded'; modelId: string; vector: Float32Array }
  | { status: 'absent' };

export interface VideoEmbedding {
  frames: VideoFramesPart;
  caption: VideoCaptionPart;
}

/**
 * A video is two parts embedded in two spaces: its keyframes as images (each one, and their mean),
 * and its caption as text. A video with no usable frame is an expected outcome, reported in the
 * frames part so the caption is still stored; server faults and programming errors throw.
 */
export class VideoEmbedder {
  constructor(
    private readonly keyframes: KeyframeSource,
    private readonly images: ImageEmbedder,
    private readonly texts: TextEmbedder,
  ) {}

  async embedVideo(file: string, caption?: string): Promise<VideoEmbedding> {
    const [frames, captionPart] = await Promise.all([this.embedFrames(file), this.embedCaption(caption)]);
    return { frames, caption: captionPart };
  }

  private async embedFrames(file: string): Promise<VideoFramesPart> {
    let keyframes: Keyframe[];
    try {
      keyframes = await this.keyframes.extract(file);
    } catch (error) {
      if (error instanceof KeyframeExtractionError && error.code !== 'FFMPEG_NOT_FOUND') {
        return { status: 'failed', error };
      }
      throw error;
    }
    let vectors: Float32Array[];
    try {
      vectors = await this.images.embedImages(keyframes.map((frame) => frame.png));
    } catch (error) {
      if (error instanceof ImageInputError) return { status: 'failed', error };
      throw error;
    }
    return {
      status: 'embedded',
      modelId: this.images.modelId,
      pooled: meanPool(vectors, this.images.dim),
      frames: keyframes.map((frame, i) => ({ timeS: frame.timeS, vector: vectors[i] })),
    };
  }

  private async embedCaption(caption: string | undefined): Promise<VideoCaptionPart> {
    if (caption === undefined || caption.trim() === '') return { status: 'absent' };
    const [vector] = await this.texts.embedTexts([caption]);
    return { status: 'embedded', modelId: this.texts.modelId, vector };
  }
}
