import { spawn } from 'node:child_process';
import { MediaTimeoutError, MediaToolError, MediaToolMissingError } from './errors.js';

export interface RunOptions {
  /** The process is killed (SIGKILL) after this long; default 10 minutes. */
  timeoutMs?: number;
  /** Says what the run was for, in error messages (e.g. "render scene 3"). */
  context?: string;
  /** Bytes written to stdin, then closed. */
  input?: Buffer | string;
  signal?: AbortSignal;
  /** Keep stdout (probe output); off for renders, whose stdout is unused. */
  captureStdout?: boolean;
  cwd?: string;
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
  durationMs: number;
}

/** stderr kept per run: ffmpeg's progress lines can grow without bound. */
const STDERR_LIMIT = 64 * 1024;

/**
 * Runs a media tool without a shell, with a hard timeout, capturing stderr (the tail) for the
 * error. A missing binary is a `MediaToolMissingError`, a non-zero exit a `MediaToolError`.
 */
export function runTool(tool: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  const context = options.context ?? '';
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, {
      stdio: [options.input !== undefined ? 'pipe' : 'ignore', options.captureStdout ? 'pipe' : 'ignore', 'pipe'],
      cwd: options.cwd,
      signal: options.signal,
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.length > STDERR_LIMIT * 2) stderr = stderr.slice(-STDERR_LIMIT);
    });
    if (options.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined); // a tool that exits early closes stdin; its exit code tells
      child.stdin.end(options.input);
    }
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT') reject(new MediaToolMissingError(tool));
      else reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return reject(new MediaTimeoutError(tool, timeoutMs, context));
      if (code !== 0) return reject(new MediaToolError(tool, code, signal, stderr, context));
      resolve({ stdout: Buffer.concat(stdout), stderr, durationMs: Date.now() - started });
    });
  });
}

/** ffmpeg with the flags every run wants: no banner, no prompt, errors only on stderr. */
export function ffmpeg(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runTool('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], options);
}

export function ffprobe(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runTool('ffprobe', ['-hide_banner', '-loglevel', 'error', ...args], { ...options, captureStdout: true });
}
