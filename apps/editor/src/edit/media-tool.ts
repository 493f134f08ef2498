import { spawn } from 'node:child_process';

/**
 * The media tool runner the editor uses until `#media` (libs/media) is on main; the same shape
 * (`runTool(tool, args, options)`), so the swap is an import change.
 */
export interface RunOptions {
  timeoutMs?: number;
  context?: string;
  captureStdout?: boolean;
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
  durationMs: number;
}

export class MediaToolError extends Error {
  override readonly name = 'MediaToolError';
  constructor(message: string, readonly stderr = '') {
    super(message);
  }
}

const STDERR_LIMIT = 64 * 1024;

export function runTool(tool: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', options.captureStdout ? 'pipe' : 'ignore', 'pipe'] });
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
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new MediaToolError(`${tool} is not installed (Debian: apt-get install ffmpeg)`) : error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const context = options.context ? ` (${options.context})` : '';
      if (timedOut) return reject(new MediaToolError(`${tool} did not finish within ${timeoutMs} ms${context}; it was killed`, stderr));
      if (code !== 0) return reject(new MediaToolError(`${tool} failed${context}: exit code ${code}: ${stderr.trim().split('\n').slice(-4).join(' | ')}`, stderr));
      resolve({ stdout: Buffer.concat(stdout), stderr, durationMs: Date.now() - started });
    });
  });
}
