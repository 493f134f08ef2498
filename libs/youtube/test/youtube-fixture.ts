import { createHash, randomBytes } from 'node:crypto';
import { FakeYoutube, type FakeYoutubeOptions } from '../src/fake/fake-youtube.server.js';
import { OAuthTokenSource } from '../src/oauth.client.js';
import type { UploadSource } from '../src/resumable-upload.js';
import { YoutubeClient } from '../src/youtube.client.js';
import type { VideoMetadata } from '../src/youtube.types.js';

export const KIB = 1024;

/** A started fake and a client of one channel on it. */
export async function fakeWithChannel(options: FakeYoutubeOptions = {}, name = 'test'): Promise<{ fake: FakeYoutube; client: YoutubeClient; channelId: string; refreshToken: string }> {
  const fake = new FakeYoutube({ clientId: 'client-1', clientSecret: 'secret-1', ...options });
  await fake.start();
  const refreshToken = `refresh-${name}-${randomBytes(4).toString('hex')}`;
  const channelId = fake.addChannel(name, refreshToken);
  const tokens = new OAuthTokenSource(name, { tokenUrl: fake.tokenUrl, clientId: 'client-1', clientSecret: 'secret-1', refreshToken });
  const client = new YoutubeClient(tokens, { apiBase: fake.url, analyticsBase: fake.url }, { timeoutMs: 10_000 });
  return { fake, client, channelId, refreshToken };
}

export function memorySource(bytes: number, seed = 1): UploadSource & { data: Buffer; sha256: string } {
  const data = Buffer.alloc(bytes);
  let x = seed;
  for (let i = 0; i < bytes; i += 4) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    data.writeUInt32LE(x, Math.min(i, bytes - 4));
  }
  if (bytes < 4) randomBytes(bytes).copy(data);
  return {
    bytes,
    contentType: 'video/mp4',
    data,
    sha256: createHash('sha256').update(data).digest('hex'),
    read: async (offset, length) => data.subarray(offset, offset + length),
  };
}

export function metadata(title = 'A test video'): VideoMetadata {
  return {
    snippet: { title, description: 'Source: https://example.com/a', tags: ['test'], categoryId: '25', defaultLanguage: 'ko', defaultAudioLanguage: 'ko' },
    status: { privacyStatus: 'private', selfDeclaredMadeForKids: false, containsSyntheticMedia: true },
  };
}

export const noSleep = async (): Promise<void> => undefined;
