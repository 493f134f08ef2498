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

  /** Validates the key and checks every existing component; missing ones are fine (not written yet). */
  async resolve(rawKey: unknown): Promise<ResolvedPath> {
    const parsed = parseKey(rawKey);
    const segments = parsed.key.split('/');
    let current = this.root;
    for (let i = 0; i < segments.length; i++) {
      current = join(current, segments[i]!);
      const last = i === segments.length - 1;
      let info;
      try {
        info = await lstat(current);
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') break;
        throw error;
      }
      if (info.isSymbolicLink()) {
        throw new UnsafePathError(`Refusing key ${parsed.key}: ${segments.slice(0, i + 1).join('/')} is a symbolic link`);
      }
      if (!last && !info.isDirectory()) {
        throw new UnsafePathError(`Refusing key ${parsed.key}: ${segments.slice(0, i + 1).join('/')} is not a folder`);
      }
      if (last && !info.isFile()) {
        throw new UnsafePathError(`Refusing key ${parsed.key}: it names something that is not a regular file`);
      }
    }
    const file = join(this.root, ...segments);
    return { parsed, file, dir: join(this.root, ...segments.slice(0, -1)) };
  }

  /** Creates the key's folder and proves its real path is inside the root. */
  async ensureDir(resolved: ResolvedPath): Promise<void> {
    await mkdir(resolved.dir, { recursive: true, mode: 0o755 });
    const real = await realpath(resolved.dir);
    if (!this.contains(real)) {
      throw new UnsafePathError(`Refusing key ${resolved.parsed.key}: its folder resolves outside the file root`);
    }
  }

  async assertInside(path: string, key: string): Promise<void> {
    const real = await realpath(path);
    if (!this.contains(real)) throw new UnsafePathError(`Refusing key ${key}: it resolves outside the file root`);
  }

  private contains(real: string): boolean {
    return real === this.root || real.startsWith(this.root + sep);
  }
}
