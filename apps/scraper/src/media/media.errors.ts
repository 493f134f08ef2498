/** A media file that was fetched but cannot be stored as it is (bomb, wrong format, undecodable). */
export class MediaRejectedError extends Error {
  override readonly name = 'MediaRejectedError';
  constructor(
    readonly code: 'too-many-pixels' | 'format' | 'undecodable' | 'too-long' | 'no-video-stream' | 'ffmpeg',
    message: string,
  ) {
    super(message);
  }
}
