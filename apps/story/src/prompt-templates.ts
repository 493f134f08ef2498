import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadYaml } from '#config';
import { z } from 'zod';
import type { PromptTemplate } from './story.types.js';

const TemplateFile = z.object({
  id: z.string().min(1).max(128),
  version: z.number().int().min(0).max(1000),
  language: z.string().regex(/^[a-z]{2,3}$/),
  system: z.string().min(1),
  user: z.string().min(1),
});

/**
 * The category's template in the configured language (`<category>.<language>.yaml`), else
 * `default.<language>.yaml`; read once per file.
 */
export class PromptTemplates {
  private readonly cache = new Map<string, PromptTemplate>();

  constructor(
    private readonly dir: string,
    private readonly language: string,
  ) {
    this.forCategory(null);
  }

  forCategory(category: string | null): PromptTemplate {
    const names = [...(category ? [`${category}.${this.language}.yaml`] : []), `default.${this.language}.yaml`];
    for (const name of names) {
      const cached = this.cache.get(name);
      if (cached) return cached;
      const path = join(this.dir, name);
      if (!existsSync(path)) continue;
      const template = loadYaml(path, TemplateFile);
      this.cache.set(name, template);
      return template;
    }
    throw new Error(`no prompt template for language "${this.language}": add ${join(this.dir, `default.${this.language}.yaml`)}`);
  }
}

/** `{{name}}` placeholders filled; an unknown one is left visible rather than silently emptied. */
export function render(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}
