import { spawn } from 'node:child_process';
import { KeyframeExtractionError } from './embedding.errors.js';
import { splitPngStream } from './png-stream.util.js';

export interface KeyframeExtractorOptions {
  /**
   * 'scene': the first frame, every cut (scene score above `sceneThreshold`) and at least one frame
   * per `maxGapS` seconds; 'interval': one frame every `intervalS` seconds.
   */
  mode?: 'scene' | 'interval';
  sceneThreshold?: number;
  maxGapS?: number;
  intervalS?: number;
  /** At most this many frames, the earliest ones. */
  maxFrames?: number;
  /** Only the first this-many seconds are decoded, which bounds the work on a long video. */
  maxScanS?: number;
  /** Frames are shrunk to fit this square (never enlarged). */
  maxSide?: number;
  timeoutMs?: number;
  ffmpegPath?: string;
}

export interface Keyframe {
  /** Presentation time in seconds from the start, as ffmpeg reports it; NaN when it did not. */
  timeS: number;
  png: Buffer;
}

const STDERR_KEEP = 16_384;
const NO_VIDEO =
  /matches no streams|does not contain any stream|Invalid data found when processing input|could not find codec parameters|moov atom not found|Output file is empty/i;

/** Pulls keyframes out of a video file with the ffmpeg CLI, as PNGs on a pipe (no temp files). */
export class FfmpegKeyframeExtractor {
  private readonly options: Required<KeyframeExtractorOptions>;

  constructor(options: KeyframeExtractorOptions = {}) {
    this.options = {
      mode: options.mode ?? 'scene',
      sceneThreshold: options.sceneThreshold ?? 0.3,
      maxGapS: options.maxGapS ?? 10,
      intervalS: options.intervalS ?? 2,
      maxFrames: options.maxFrames ?? 16,
      maxScanS: options.maxScanS ?? 600,
      maxSide: options.maxSide ?? 512,
      timeoutMs: options.timeoutMs ?? 120_000,
      ffmpegPath: options.ffmpegPath ?? 'ffmpeg',
    };
    if (!Number.isInteger(this.options.maxFrames) || this.options.maxFrames < 1) {
      throw new Error(`FfmpegKeyframeExtractor: maxFrames must be a positive integer, got ${this.options.maxFrames}`);
    }
  }

  /** The `-vf` filter chain; public so that the choice of frames can be read and logged. */
  filter(): string {
    const { mode, sceneThreshold, maxGapS, intervalS, maxSide } = this.options;
    const select =
      mode === 'scene'
        ? `select='eq(n,0)+gt(scene,${sceneThreshold})+gte(t-prev_selected_t,${maxGapS})'`
        : `select='isnan(prev_selected_t)+gte(t-prev_selected_t,${intervalS})'`;
    const scale = `scale='min(${maxSide},iw)':'min(${maxSide},ih)':force_original_aspect_ratio=decrease`;
    return `${select},${scale},showinfo`;
  }

  async extract(file: string): Promise<Keyframe[]> {
    const { maxFrames, maxScanS, maxSide, timeoutMs, ffmpegPath } = this.options;
    const args = [
      '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info',
      '-t', String(maxScanS), '-i', file,
      '-map', '0:v:0', '-an', '-sn', '-dn',
      '-vf', this.filter(), '-fps_mode', 'vfr', '-frames:v', String(maxFrames),
      '-f', 'image2pipe', '-c:v', 'png', 'pipe:1',
    ];
    // A PNG of an incompressible frame is about 3 bytes a pixel plus headers.
    const maxBytes = maxFrames * (maxSide * maxSide * 4 + 65_536);

    return new Promise<Keyframe[]>((resolve, reject) => {
      const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      let stdoutBytes = 0;
      let stderrTail = '';
      let lineBuffer = '';
      const times: number[] = [];
      let failure: KeyframeExtractionError | undefined;

      const fail = (error: KeyframeExtractionError): void => {
        failure ??= error;
        child.kill('SIGKILL');
      };
      const timer = setTimeout(
        () => fail(new KeyframeExtractionError('TIMEOUT', `ffmpeg took longer than ${timeoutMs} ms on ${file}; it was killed`, stderrTail)),
        timeoutMs,
      );

      child.stdout.on('data', (data: Buffer) => {
        stdoutBytes += data.length;
        if (stdoutBytes > maxBytes) {
          fail(new KeyframeExtractionError('OUTPUT_TOO_LARGE', `ffmpeg wrote more than ${maxBytes} bytes of frames for ${file}`, stderrTail));
          return;
        }
        stdout.push(data);
      });
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (text: string) => {
        stderrTail = (stderrTail + text).slice(-STDERR_KEEP);
        lineBuffer += text;
        const lines = lineBuffer.split('\n');
        lineBuffer = lines.pop() ?? '';
        for (const line of lines) {
          const match = /Parsed_showinfo.*\bpts_time:\s*(-?[\d.]+|nan)/i.exec(line);
          if (match) times.push(Number(match[1]));
        }
        if (lineBuffer.length > STDERR_KEEP) lineBuffer = lineBuffer.slice(-STDERR_KEEP);
      });

      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (error.code === 'ENOENT') {
          reject(new KeyframeExtractionError('FFMPEG_NOT_FOUND', `ffmpeg not found at "${ffmpegPath}"; install ffmpeg or set ffmpegPath`, '', { cause: error }));
          return;
        }
        reject(new KeyframeExtractionError('FFMPEG_FAILED', `ffmpeg could not be started: ${error.message}`, '', { cause: error }));
      });

      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (failure) {
          reject(failure);
          return;
        }
        const { images } = splitPngStream(Buffer.concat(stdout));
        if (images.length > 0) {
          // A non-zero exit after some frames (a file cut short) still leaves those frames usable.
          resolve(images.map((png, i) => ({ png, timeS: times[i] ?? Number.NaN })));
          return;
        }
        const last = lastLines(stderrTail, 3);
        if (code === 0 || NO_VIDEO.test(stderrTail)) {
          reject(new KeyframeExtractionError('NO_DECODABLE_FRAME', `no decodable video frame in ${file}${last ? `: ${last}` : ''}`, stderrTail));
          return;
        }
        reject(
          new KeyframeExtractionError(
            'FFMPEG_FAILED',
            `ffmpeg exited with ${code ?? signal} on ${file}${last ? `: ${last}` : ''}`,
            stderrTail,
          ),
        );
      });
    });
  }
}

function lastLines(text: string, count: number): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.includes('Parsed_showinfo') && !line.startsWith('To ignore this'))
    .slice(-count)
    .join(' | ');
}
