import { runTool } from '#media';
import type { PlatformProfile } from './platform-profile.js';

/** What `loudnorm`'s first pass measured (its print_format=json block). */
export interface LoudnormMeasurement {
  inputI: number;
  inputTp: number;
  inputLra: number;
  inputThresh: number;
  targetOffset: number;
}

/** How the second pass reaches the target. */
export type LoudnessMode = 'linear' | 'gain+limiter' | 'none';

export interface LoudnessPlan {
  mode: LoudnessMode;
  /** Filters appended to the audio chain (empty for `none`). */
  filter: string;
  gainDb: number;
  measured: LoudnormMeasurement;
  reason: string;
}

/** AAC encoding can lift true peaks a little; the normaliser aims this far under the ceiling. */
export const TRUE_PEAK_MARGIN_DB = 0.5;
/** loudnorm only stays linear when the measured range is under its target; 50 is its maximum. */
const LRA_TARGET = 50;
/** Below this the input is silence, and no gain makes it speech. */
const AUDIBLE_LUFS = -60;

/** Pass 1: `loudnorm` measuring the audio exactly as it will be encoded (after the cuts). */
export async function measureLoudnorm(input: string, audioChain: string, profile: PlatformProfile, timeoutMs: number): Promise<LoudnormMeasurement> {
  const target = `I=${profile.loudnessLufs}:TP=${profile.truePeakDb - TRUE_PEAK_MARGIN_DB}:LRA=${LRA_TARGET}`;
  const { stderr } = await runTool(
    'ffmpeg',
    ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-i', input, '-vn', '-filter_complex', `[0:a]${audioChain},loudnorm=${target}:print_format=json[a]`, '-map', '[a]', '-f', 'null', '-'],
    { timeoutMs, context: 'loudness pass 1' },
  );
  const json = lastJsonBlock(stderr);
  if (!json) throw new Error(`loudnorm pass 1 printed no measurement: ${stderr.slice(-500)}`);
  return {
    inputI: loudnessNumber(json.input_i),
    inputTp: loudnessNumber(json.input_tp),
    inputLra: loudnessNumber(json.input_lra),
    inputThresh: loudnessNumber(json.input_thresh),
    targetOffset: loudnessNumber(json.target_offset),
  };
}

/**
 * Pass 2. Linear `loudnorm` (one gain for the whole track, with the measured values) when the
 * gain keeps the true peak under the ceiling. When it would not, loudnorm silently switches to its
 * dynamic mode (it pumps); we do not let it: the gain is applied with a look-ahead true-peak-safe
 * limiter instead, and the result is measured again by the QA gate either way.
 */
export function planLoudness(measured: LoudnormMeasurement, profile: PlatformProfile): LoudnessPlan {
  const targetTp = profile.truePeakDb - TRUE_PEAK_MARGIN_DB;
  if (!(measured.inputI > AUDIBLE_LUFS)) {
    return { mode: 'none', filter: '', gainDb: 0, measured, reason: `the sound is silent (${measured.inputI} LUFS): nothing to normalise` };
  }
  const gainDb = profile.loudnessLufs - measured.inputI;
  const peakAfter = measured.inputTp + gainDb;
  if (peakAfter <= targetTp && measured.inputLra <= LRA_TARGET) {
    const filter =
      `loudnorm=I=${profile.loudnessLufs}:TP=${targetTp}:LRA=${LRA_TARGET}` +
      `:measured_I=${measured.inputI}:measured_TP=${measured.inputTp}:measured_LRA=${measured.inputLra}` +
      `:measured_thresh=${measured.inputThresh}:offset=${measured.targetOffset}:linear=true:print_format=summary` +
      `,aresample=${profile.audioSampleRate}`;
    return { mode: 'linear', filter, gainDb, measured, reason: `linear gain ${gainDb.toFixed(2)} dB, true peak after ${peakAfter.toFixed(2)} dBTP` };
  }
  return {
    mode: 'gain+limiter',
    filter: limitedGain(gainDb, profile),
    gainDb,
    measured,
    reason: `a linear gain of ${gainDb.toFixed(2)} dB would put the true peak at ${peakAfter.toFixed(2)} dBTP (over ${targetTp}); gain with a limiter instead`,
  };
}

/** Gain, then a limiter whose sample-peak ceiling sits 1.5 dB under the true-peak target (room for inter-sample peaks). */
export function limitedGain(gainDb: number, profile: PlatformProfile): string {
  const limit = Math.min(1, Math.max(0.0625, 10 ** ((profile.truePeakDb - TRUE_PEAK_MARGIN_DB - 1.5) / 20)));
  return `volume=${gainDb.toFixed(2)}dB,alimiter=limit=${limit.toFixed(4)}:attack=5:release=50:level=false:latency=true`;
}

/**
 * The limiter takes loudness off the peaks it flattens, so one gain lands short of the target:
 * measure the limited chain and correct the gain, a few times. Each pass reads audio only and
 * measures with `ebur128` without its true-peak meter (the gain is all it needs): about a tenth of
 * a `loudnorm` pass, which upsamples to 192 kHz (0.24 vs 2.6 CPU-s for 60 s; docs/editor.md).
 */
export async function settleLimitedGain(input: string, audioChain: string, plan: LoudnessPlan, profile: PlatformProfile, timeoutMs: number): Promise<LoudnessPlan> {
  if (plan.mode !== 'gain+limiter') return plan;
  let gainDb = plan.gainDb;
  let reason = plan.reason;
  for (let round = 0; round < 3; round++) {
    const measuredI = await measureIntegrated(input, `${audioChain},${limitedGain(gainDb, profile)}`, timeoutMs);
    const missing = profile.loudnessLufs - measuredI;
    if (!Number.isFinite(missing) || Math.abs(missing) <= 0.3) break;
    gainDb = Math.min(gainDb + missing, MAX_GAIN_DB);
    reason = `${plan.reason}; gain corrected to ${gainDb.toFixed(2)} dB after the limiter left ${measuredI} LUFS`;
    if (gainDb >= MAX_GAIN_DB) break;
  }
  return { ...plan, gainDb, filter: limitedGain(gainDb, profile), reason };
}

/** More gain than this turns noise into a wall of sound; the gate then says the sound is too quiet. */
const MAX_GAIN_DB = 40;

export interface Ebur128Figures {
  integratedLufs: number;
  truePeakDb: number;
  lraLu: number;
}

/** The EBU R128 scanner over a file's audio: integrated loudness, true peak, loudness range. */
export async function measureEbur128(file: string, timeoutMs: number): Promise<Ebur128Figures> {
  const { stderr } = await runTool(
    'ffmpeg',
    ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-i', file, '-vn', '-filter_complex', '[0:a]ebur128=peak=true[a]', '-map', '[a]', '-f', 'null', '-'],
    { timeoutMs, context: 'loudness measurement' },
  );
  return parseEbur128Summary(stderr);
}

/** Integrated loudness of the audio through a filter chain (`ebur128`, no true-peak meter). */
export async function measureIntegrated(input: string, audioChain: string, timeoutMs: number): Promise<number> {
  const { stderr } = await runTool(
    'ffmpeg',
    ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-vn', '-i', input, '-filter_complex', `[0:a]${audioChain},ebur128[a]`, '-map', '[a]', '-f', 'null', '-'],
    { timeoutMs, context: 'loudness (limited gain)' },
  );
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const integrated = /I:\s+(-?[\d.]+|-inf|nan)\s+LUFS/.exec(summary);
  if (!integrated) throw new Error(`ebur128 printed no summary: ${stderr.slice(-400)}`);
  return loudnessNumber(integrated[1]);
}

export function parseEbur128Summary(stderr: string): Ebur128Figures {
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const integrated = /I:\s+(-?[\d.]+|-inf|nan)\s+LUFS/.exec(summary);
  const lra = /LRA:\s+(-?[\d.]+|nan)\s+LU/.exec(summary);
  const peak = /True peak:\s+Peak:\s+(-?[\d.]+|-inf)\s+dBFS/.exec(summary);
  if (!integrated || !peak) throw new Error(`ebur128 printed no summary: ${stderr.slice(-400)}`);
  return { integratedLufs: loudnessNumber(integrated[1]), truePeakDb: loudnessNumber(peak[1]), lraLu: lra ? loudnessNumber(lra[1]) : 0 };
}

function lastJsonBlock(text: string): Record<string, string> | null {
  const end = text.lastIndexOf('}');
  const start = text.lastIndexOf('{', end);
  if (start < 0 || end < 0) return null;
  try {
    return JSON.parse(text.slice(start, end + 1)) as Record<string, string>;
  } catch {
    return null;
  }
}

/** ffmpeg prints "-inf" for silence; that stays a number (−Infinity) so comparisons still work. */
function loudnessNumber(text: string | undefined): number {
  if (text === undefined) return Number.NaN;
  if (/^-inf/.test(text.trim())) return Number.NEGATIVE_INFINITY;
  if (/^\+?inf/.test(text.trim())) return Number.POSITIVE_INFINITY;
  return Number(text);
}
