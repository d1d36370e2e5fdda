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

/**
 * Refuses a guidance scale other than 1 where the transformer never learned the
 * unconditional prefix: an unconditioned model, or one trained without
 * --cond-dropout on a condition every sequence had (a class; the class
 * captions of fashion-mnist). A words model of captioned data (emoji) trained
 * without it saw blank prompts on the images whose captions hold no word of
 * the prior, and is let through.
 */
export function checkGuidance(t: LoadedTransformer, guidance: number): void {
  if (guidance === 1) return;
  const kind = t.settings.condition;
  if (kind === 'none') throw new InputError(`--guidance ${guidance}: this transformer is unconditioned; guidance needs a condition`);
  const alwaysConditioned = kind === 'class' || t.settings.captions != null;
  if (alwaysConditioned && !((t.settings.train.conditionDropout ?? 0) > 0)) {
    throw new InputError(`--guidance ${guidance}: this transformer was trained without --cond-dropout, so it has no unconditional model to guide against; retrain with --cond-dropout 0.1, or use --guidance 1`);
  }
}
