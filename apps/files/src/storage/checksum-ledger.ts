import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { errnoCode } from './storage.errors.js';

export const LEDGER_NAME = '.sha256sums';

/** The identity of one stored inode: a ledger line only counts while all of it still matches. */
export interface FileIdentity {
  size: bigint;
  mtimeNs: bigint;
  ino: bigint;
}

/**
 * One append-only `.sha256sums` per owner folder, one line per stored file:
 * `<sha256> <size> <mtimeNs> <ino> <name>`.
 *
 * Why not one sidecar per file: a sidecar doubles the inode count, and inodes are the scarce
 * resource on ext4 (fixed at mkfs; see docs/storage-layout.md). Why size + mtime + inode: a line is
 * written before the file is linked into place (so the link is the only commit point), and a line
 * left by a failed or replaced upload must never vouch for other bytes. A line that no longer
 * matches (restore from backup changes inode numbers) only costs one re-hash, which heals it.
 */
export class ChecksumLedger {
  async append(dir: string, name: string, sha256: string, identity: FileIdentity): Promise<void> {
    // One small write with O_APPEND: concurrent appenders never interleave inside a line on Linux.
    const line = `${sha256} ${identity.size} ${identity.mtimeNs} ${identity.ino} ${name}\n`;
    const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
    const handle = await open(join(dir, LEDGER_NAME), flags, 0o644);
    try {
      await handle.write(line);
    } finally {
      await handle.close();
    }
  }

  /** The recorded checksum of this exact inode, or null if the ledger has no valid line for it. */
  async lookup(dir: string, name: string, identity: FileIdentity): Promise<string | null> {
    let text: string;
    try {
      const handle = await open(join(dir, LEDGER_NAME), constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        text = await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return null;
      throw error;
    }
    const lines = text.split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      const match = /^([0-9a-f]{64}) (\d+) (\d+) (\d+) (\S+)$/.exec(lines[i]!);
      if (!match || match[5] !== name) continue;
      if (BigInt(match[2]!) === identity.size && BigInt(match[3]!) === identity.mtimeNs && BigInt(match[4]!) === identity.ino) {
        return match[1]!;
      }
    }
    return null;
  }

  /** Hashes the file and records the result, for files whose line was lost (crash, restore). */
  async heal(dir: string, name: string, identity: FileIdentity): Promise<string> {
    const hash = createHash('sha256');
    const handle = await open(join(dir, name), constants.O_RDONLY | constants.O_NOFOLLOW);
    // The stream owns the handle and closes it on end or error.
    await pipeline(handle.createReadStream(), hash);
    const sha256 = hash.digest('hex');
    await this.append(dir, name, sha256, identity).catch(() => undefined);
    return sha256;
  }
}
