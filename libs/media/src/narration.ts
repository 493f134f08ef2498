import { MediaInputError } from './errors.js';
import { probe } from './probe.js';
import { runTool, type RunOptions } from './process.js';

export interface NarrationResult {
  path: string;
  durationS: number;
  /** The espeak-ng voice used, e.g. "ko". */
  voice: string;
}

let voices: Promise<Set<string>> | null = null;

/** The language codes espeak-ng has voices for (asked once per process). */
export function espeakVoices(): Promise<Set<string>> {
  voices ??= runTool('espeak-ng', ['--voices'], { captureStdout: true, timeoutMs: 15_000 })
    .then(({ stdout }) => {
      const found = new Set<string>();
      for (const line of stdout.toString('utf8').split('\n').slice(1)) {
        const language = line.trim().split(/\s+/)[1];
        if (language) found.add(language.toLowerCase());
      }
      return found;
    })
    .catch((error: unknown) => {
      voices = null;
      throw error;
    });
  return voices;
}

/** The espeak-ng voice for a BCP 47 language: the exact tag, then its primary subtag, else English. */
export async function espeakVoiceFor(language: string): Promise<string> {
  const available = await espeakVoices();
  const tag = language.toLowerCase();
  if (available.has(tag)) return tag;
  const primary = tag.split('-')[0]!;
  if (available.has(primary)) return primary;
  if (primary === 'en' && available.has('en-us')) return 'en-us';
  return available.has('en') ? 'en' : 'en-us';
}

/**
 * Speaks `text` with espeak-ng into a WAV file. The text goes through stdin, never the command
 * line (a leading dash or a very long text cannot turn into an option). Empty or silent output is
 * a `MediaInputError`.
 */
export async function espeakNarration(
  text: string,
  language: string,
  outPath: string,
  options: RunOptions & { wordsPerMinute?: number } = {},
): Promise<NarrationResult> {
  const spoken = text.replace(/\s+/g, ' ').trim();
  if (!spoken) throw new MediaInputError(`${options.context ?? 'narration'}: nothing to say (empty text)`);
  const voice = await espeakVoiceFor(language);
  const speed = String(options.wordsPerMinute ?? 165);
  await runTool('espeak-ng', ['-v', voice, '-s', speed, '-w', outPath, '--stdin'], {
    timeoutMs: 60_000,
    ...options,
    input: spoken,
    context: options.context ?? 'narration',
  });
  const durationS = await audioDuration(outPath, options.context ?? 'narration');
  return { path: outPath, durationS, voice };
}

/** The length of an audio file; no audio stream or zero length is a `MediaInputError`. */
export async function audioDuration(path: string, context = path): Promise<number> {
  const probed = await probe(path, { context });
  if (!probed.audio) throw new MediaInputError(`${context}: no audio stream`);
  const durationS = probed.audio.durationS ?? probed.durationS ?? 0;
  if (!(durationS > 0.05)) throw new MediaInputError(`${context}: the audio is empty (${durationS.toFixed(3)} s)`);
  return durationS;
}
