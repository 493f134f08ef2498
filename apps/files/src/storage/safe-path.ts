import { lstat, mkdir, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { parseKey, type ParsedKey } from './key-layout.js';
import { errnoCode, UnsafePathError } from './storage.errors.js';

export interface ResolvedPath {
  parsed: ParsedKey;
  /** Absolute path of the file. */
  file: string;
  /** Absolute path of its folder. */
  dir: string;
}

/**
 * Maps keys to paths under one root. The key grammar already excludes `..`, absolute paths and NUL;
 * this adds the filesystem's view: no existing component may be a symlink (someone with shell
 * access could plant one), and the real path must stay inside the root.
 */
export class SafePathResolver {
  private constructor(readonly root: string) {}

  /** The root itself may be a symlink (a mounted volume); it is resolved once, here. */
  static async open(root: string): Promise<SafePathResolver> {
    await mkdir(root, { recursive: true });
    return new SafePathResolver(await realpath(root));
  }

  /**
   * Validates the key and checks the filesystem under it. The deepest existing folder of the key
   * must have a real path equal to its plain path: that holds only if no component on the way is a
   * symbolic link (one realpath instead of an lstat per component). The file itself must not be a
   * link either; missing folders and files are fine (not written yet).
   */
  async resolve(rawKey: unknown): Promise<ResolvedPath> {
    const parsed = parseKey(rawKey);
    const segments = parsed.key.split('/');
    const folders = segments.slice(0, -1);
    const dir = join(this.root, ...folders);
    const file = join(dir, segments[segments.length - 1]!);
    for (let depth = folders.length; depth >= 0; depth--) {
      const path = join(this.root, ...folders.slice(0, depth));
      let real: string;
      try {
        real = await realpath(path);
      } catch (error) {
        const code = errnoCode(error);
        if (code === 'ENOENT') continue;
        if (code === 'ENOTDIR') throw new UnsafePathError(`Refusing key ${parsed.key}: a component of its folder is not a folder`);
        if (code === 'ELOOP') throw new UnsafePathError(`Refusing key ${parsed.key}: its folder is a symbolic link loop`);
        throw error;
      }
      if (real !== path) {
        throw new UnsafePathError(`Refusing key ${parsed.key}: ${folders.slice(0, depth).join('/')} is or passes through a symbolic link`);
      }
      if (depth === folders.length) await this.checkFile(parsed.key, file);
      break;
    }
    return { parsed, file, dir };
  }

  private async checkFile(key: string, file: string): Promise<void> {
    let info;
    try {
      info = await lstat(file);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return;
      throw error;
    }
    if (info.isSymbolicLink()) throw new UnsafePathError(`Refusing key ${key}: it is a symbolic link`);
    if (!info.isFile()) throw new UnsafePathError(`Refusing key ${key}: it names something that is not a regular file`);
  }

  /** Creates the key's folder and proves its real path is inside the root. */
  async ensureDir(resolved: ResolvedPath): Promise<void> {
    await mkdir(resolved.dir, { recursive: true, mode: 0o755 });
    const real = await realpath(resolved.dir);
    if (!this.contains(real)) {
      throw new UnsafePathError(`Refusing key ${resolved.parsed.key}: its folder resolves outside the file root`);
    }
  }

  private contains(real: string): boolean {
    return real === this.root || real.startsWith(this.root + sep);
  }
}
