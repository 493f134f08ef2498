/** Named media errors, each with a stable code. */
export abstract class MediaError extends Error {
  abstract readonly code: string;
}

/**
 * An input that can never render (a corrupt image, a video without a frame, silent or empty
 * narration, an unreadable script): retrying changes nothing, so a stage dead-letters it.
 */
export class MediaInputError extends MediaError {
  override readonly name = 'MediaInputError';
  readonly code = 'bad-input';
}

/** ffmpeg, ffprobe or espeak-ng is not installed (the message says which package). */
export class MediaToolMissingError extends MediaError {
  override readonly name = 'MediaToolMissingError';
  readonly code = 'tool-missing';
  constructor(readonly tool: string) {
    super(`${tool} is not installed or not on PATH (Debian: apt-get install ${tool === 'ffprobe' ? 'ffmpeg' : tool})`);
  }
}

/** The tool ran and failed; `stderr` holds the end of what it said. */
export class MediaToolError extends MediaError {
  override readonly name = 'MediaToolError';
  readonly code = 'tool-failed';
  constructor(
    readonly tool: string,
    readonly exitCode: number | null,
    readonly signal: string | null,
    readonly stderr: string,
    context: string,
  ) {
    super(`${tool} failed${context ? ` (${context})` : ''}: ${exitCode !== null ? `exit code ${exitCode}` : `signal ${signal}`}: ${lastLines(stderr, 6)}`);
  }
}

export class MediaTimeoutError extends MediaError {
  override readonly name = 'MediaTimeoutError';
  readonly code = 'timeout';
  constructor(
    readonly tool: string,
    readonly timeoutMs: number,
    context: string,
  ) {
    super(`${tool} did not finish within ${timeoutMs} ms${context ? ` (${context})` : ''}; it was killed`);
  }
}

/** The last non-empty lines of a tool's output, trimmed: what an error message should carry. */
export function lastLines(text: string, count: number): string {
  const lines = text
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const tail = lines.slice(-count).join(' | ');
  return tail.length > 1500 ? `…${tail.slice(-1500)}` : tail || '(no output)';
}
