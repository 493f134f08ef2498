import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EditCutV1, EditEmphasisV1, EditVerdictV1, type EditDecisionListV1 } from '#contracts';
import type { ChatClient, ChatContentPart } from '#llm';
import { runTool } from '#media';
import { z } from 'zod';
import type { PlanContext, Planner } from './edit-video.js';

/** What the reviewing model answers: its cuts, emphasis and thumbnail, and whether the video tells the story. */
export const ModelEditPlanV1 = z.object({
  cuts: z.array(EditCutV1).max(40),
  emphasis: z.array(EditEmphasisV1).max(10),
  thumbnailS: z.number().min(0).max(86_400),
  verdict: EditVerdictV1,
});
export type ModelEditPlanV1 = z.infer<typeof ModelEditPlanV1>;

export interface ModelPlannerOptions {
  /** Keyframes sent, spread evenly over the video. */
  frames: number;
  /** Long side of each keyframe, in pixels. */
  frameSide: number;
  maxTokens: number;
  timeoutMs: number;
}

export interface ModelPlannerOutcome {
  model: string;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number;
}

const SYSTEM = [
  'You are the editor of vertical short videos (YouTube Shorts, 9:16).',
  'You get the script the video was rendered from, keyframes with their times, and the silences and scene changes found by analysis.',
  'Plan the edit: cuts (spans of the input to remove: dead air, repeated or off-topic moments; never the hook), emphasis (short spans worth a visual punch), and the thumbnail time (a clear, telling frame).',
  'Then judge: does the video match the story (pictures fit the narration, nothing missing or wrong)? List concrete problems; an empty list when there are none.',
  'All times are seconds of the input video. Answer only with the JSON object.',
].join(' ');

/**
 * The model planner: sampled keyframes plus the script go to a chat model through `#llm` with a
 * strict schema for the plan and a verdict; its answer is checked against the video (times inside
 * it, spans the right way round) and laid over the heuristic plan, whose source facts and subtitle
 * cues stay.
 */
export function modelPlanner(chat: Pick<ChatClient, 'completeJson'>, options: ModelPlannerOptions, report?: (outcome: ModelPlannerOutcome) => void): Planner {
  return async (ctx: PlanContext): Promise<EditDecisionListV1> => {
    const frames = await sampleFrames(ctx, options);
    const content: ChatContentPart[] = [{ type: 'text', text: describe(ctx) }];
    for (const frame of frames) {
      content.push({ type: 'text', text: `Keyframe at ${frame.atS.toFixed(2)} s:` });
      content.push({ type: 'image_url', image_url: { url: frame.dataUrl, detail: 'low' } });
    }
    const result = await chat.completeJson(
      { messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content }], maxTokens: options.maxTokens, temperature: 0.2 },
      { name: 'edit_plan', schema: ModelEditPlanV1 },
    );
    report?.({
      model: result.completion.model,
      promptTokens: result.usage.promptTokens,
      completionTokens: result.usage.completionTokens,
      latencyMs: result.latencyMs,
    });
    return mergeModelPlan(ctx.heuristic, result.value, `model:${result.completion.model}`);
  };
}

/** The model's answer over the heuristic plan, with every time checked against the video. */
export function mergeModelPlan(heuristic: EditDecisionListV1, answer: ModelEditPlanV1, planner: string): EditDecisionListV1 {
  const duration = heuristic.source.durationS;
  const notes = [...heuristic.notes];
  const span = <T extends { startS: number; endS: number }>(items: T[], what: string): T[] =>
    items.flatMap((item) => {
      const startS = clamp(Math.min(item.startS, item.endS), duration);
      const endS = clamp(Math.max(item.startS, item.endS), duration);
      if (endS - startS < 0.05) {
        notes.push(`model ${what} ${item.startS}–${item.endS} s dropped: empty or outside the video`);
        return [];
      }
      return [{ ...item, startS, endS }];
    });
  const cuts = span(answer.cuts, 'cut').map((cut) => ({ ...cut, reason: `model: ${cut.reason}`.slice(0, 300) }));
  const thumbnailS = answer.thumbnailS >= 0 && answer.thumbnailS < duration ? answer.thumbnailS : heuristic.thumbnailS;
  if (thumbnailS !== answer.thumbnailS) notes.push(`model thumbnail at ${answer.thumbnailS} s is outside the video; the heuristic one is used`);
  return {
    ...heuristic,
    planner: planner.slice(0, 160),
    cuts,
    emphasis: span(answer.emphasis, 'emphasis'),
    thumbnailS,
    verdict: answer.verdict,
    notes: notes.slice(0, 50),
  };
}

function describe(ctx: PlanContext): string {
  const lines = [`The input video lasts ${ctx.source.durationS.toFixed(2)} s. The platform allows at most ${ctx.profile.maxDurationS} s.`];
  if (ctx.script) {
    lines.push(`Title: ${ctx.script.title}`, `Hook: ${ctx.script.hook}`, `Language: ${ctx.script.language}`, 'Scenes (in order, with their planned lengths):');
    let at = 0;
    ctx.script.scenes.forEach((scene, index) => {
      lines.push(`${index + 1}. ${at.toFixed(1)}–${(at + scene.durationS).toFixed(1)} s. Narration: ${scene.narration} On screen: ${scene.onScreen}`);
      at += scene.durationS;
    });
  } else {
    lines.push('The script is not available: judge the pictures alone.');
  }
  const silences = ctx.scan.silences.map((s) => `${s.startS.toFixed(2)}–${s.endS.toFixed(2)}`).join(', ');
  lines.push(`Silences (s): ${silences || 'none'}.`);
  lines.push(`Scene changes (s): ${ctx.scan.sceneChangesS.map((t) => t.toFixed(2)).join(', ') || 'none'}.`);
  return lines.join('\n');
}

async function sampleFrames(ctx: PlanContext, options: ModelPlannerOptions): Promise<{ atS: number; dataUrl: string }[]> {
  const frames: { atS: number; dataUrl: string }[] = [];
  const count = Math.max(1, options.frames);
  for (let i = 0; i < count; i++) {
    const atS = (ctx.source.durationS * (i + 0.5)) / count;
    const path = join(ctx.workDir, `review-${i}.jpg`);
    const side = options.frameSide;
    await runTool(
      'ffmpeg',
      ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-ss', atS.toFixed(3), '-i', ctx.input, '-frames:v', '1', '-vf', `scale=${side}:${side}:force_original_aspect_ratio=decrease`, '-q:v', '5', path],
      { timeoutMs: options.timeoutMs, context: `review keyframe ${i + 1}` },
    );
    frames.push({ atS, dataUrl: `data:image/jpeg;base64,${(await readFile(path)).toString('base64')}` });
  }
  return frames;
}

function clamp(value: number, max: number): number {
  return Math.min(Math.max(0, value), max);
}
