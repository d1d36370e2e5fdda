import { InputError } from '@vqct/core';
import type { Condition } from '@vqct/transformer';
import { wordIds } from '@vqct/transformer';
import type { LoadedTransformer } from './load-transformer';

/** --prompt / --class -> the condition the loaded transformer takes (errors say what it expects). */
export function conditionFromFlags(t: LoadedTransformer, flags: { prompt?: string; class?: string }): Condition {
  const kind = t.settings.condition;
  if (kind === 'none') {
    if (flags.prompt != null || flags.class != null) throw new InputError('this transformer is unconditioned; drop --prompt/--class');
    return { kind: 'none' };
  }
  if (kind === 'class') {
    if (flags.class == null) throw new InputError(`this transformer is conditioned on a class: pass --class (0-9 or a name: ${(t.settings.classes ?? []).join(', ')})`);
    const names = (t.settings.classes ?? []).map((c) => c.toLowerCase());
    const byName = names.indexOf(flags.class.toLowerCase());
    const label = byName >= 0 ? byName : /^\d+$/.test(flags.class) ? Number(flags.class) : -1;
    if (!(label >= 0 && label < (t.model.config.condition.kind === 'class' ? t.model.config.condition.classes : 0))) throw new InputError(`--class ${JSON.stringify(flags.class)}: expected 0-9 or one of ${(t.settings.classes ?? []).join(', ')}`);
    return { kind: 'class', label };
  }
  const trainedOn = t.settings.captions != null ? `it was trained on: ${t.settings.captions.map((c) => JSON.stringify(c)).join(', ')}` : 'words of the tokenizer\'s prior, as in the captions it was trained on';
  if (flags.prompt == null) throw new InputError(`this transformer is conditioned on words: pass --prompt (${trainedOn})`);
  if (t.tokenizer.prior == null) throw new InputError('the tokenizer has no prior (not a VQCT tokenizer): --prompt needs its words');
  // Captioned data (emoji) has images whose captions hold no word of the prior: a blank prompt is one of its conditions.
  if (flags.prompt.trim() === '' && t.settings.captions == null) return { kind: 'words', ids: [] };
  return { kind: 'words', ids: wordIds(flags.prompt, t.tokenizer.prior) };
}
