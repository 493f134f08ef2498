import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { VectorDataDirLockedError } from './vector.errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One process per embedded data directory: the HNSW indexes live in memory, so a second writer
 * would silently overwrite the first one's index files. A lock left by a dead process is taken over.
 */
export class DataDirLock {
  private constructor(private readonly path: string) {}

  static acquire(dir: string): DataDirLock {
    const path = join(dir, 'LOCK');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return new DataDirLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(holder) && alive(holder)) {
        const who = holder === process.pid ? 'another backend in this process' : `process ${holder}`;
        throw new VectorDataDirLockedError(
          `The vector data directory ${dir} is in use by ${who}. The embedded backend serves one process; ` +
            'close the other one, or set VECTOR_BACKEND=milvus to run several replicas.',
        );
      }
      unlinkSync(path);
    }
    throw new VectorDataDirLockedError(`Could not take the lock ${path}; another process keeps recreating it.`);
  }

  release(): void {
    try {
      if (readFileSync(this.path, 'utf8') === String(process.pid)) unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}
