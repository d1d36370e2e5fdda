/**
 * The playground's Generator over @vqct/transformer, on whatever tfjs backend
 * is active: a prompt in the tokenizer's words becomes the prefix, sampling
 * uses the key/value cache and a seed, partial sampling keeps positions.
 */
import { InputError } from '@vqct/core';
import type { Condition, TokenTransformer } from '@vqct/transformer';
import { sampleTokens, wordIds } from '@vqct/transformer';
import type { Generator, GeneratorInfo, GeneratorSidecar, PromptVocabulary, SampleRequest } from './generator';
import type { GeneratorFiles } from './load-generator';
import { loadGeneratorModel } from './load-generator';

/** The prompt as the condition the model takes (an empty prompt: no words). */
export function promptCondition(model: TokenTransformer, prompt: string, vocabulary: PromptVocabulary): Condition {
  const spec = model.config.condition;
  if (spec.kind === 'none') return { kind: 'none' };
  if (spec.kind !== 'words') throw new InputError(`this generator is conditioned on ${spec.kind}, which the playground cannot give`);
  const ids = prompt.trim() === '' ? [] : wordIds(prompt, vocabulary);
  if (ids.length > spec.length) throw new InputError(`the prompt has ${ids.length} words; this generator takes at most ${spec.length}`);
  return { kind: 'words', ids };
}

/** Guidance is on for a words generator trained with condition dropout; it starts at the sidecar's scale. */
export function guidanceOf(sidecar: GeneratorSidecar): GeneratorInfo['guidance'] {
  const enabled = sidecar.condition === 'words' && (sidecar.conditionDropout ?? 0) > 0;
  return { enabled, start: enabled ? sidecar.guidance ?? 1 : 1 };
}

export async function loadTransformerGenerator(files: GeneratorFiles): Promise<Generator> {
  const { sidecar, model } = loadGeneratorModel(files);
  const spec = model.config.condition;
  return {
    info: {
      name: sidecar.name,
      condition: sidecar.condition,
      maxWords: spec.kind === 'words' ? spec.length : 0,
      tokenizer: sidecar.tokenizer,
      step: sidecar.step,
      parameters: model.parameterCount(),
      heldOut: sidecar.heldOut,
      label: sidecar.label,
      guidance: guidanceOf(sidecar),
    },
    async sample(r: SampleRequest, vocabulary: PromptVocabulary, onPosition?: (position: number, tokens: Int32Array) => void) {
      const condition = promptCondition(model, r.prompt, vocabulary);
      const guidance = r.guidance ?? 1;
      if (guidance !== 1 && !guidanceOf(sidecar).enabled) throw new InputError(`guidance ${guidance}: ${sidecar.name} was trained without condition dropout, so it has no unconditional model to guide against (use 1)`);
      const t = await sampleTokens(model, {
        count: 1, condition, seed: r.seed, temperature: r.temperature, topK: r.topK, topP: r.topP, guidance,
        keep: r.keep, onPosition: onPosition == null ? undefined : (p, grids) => onPosition(p, grids),
      });
      try {
        return (await t.data()) as Int32Array;
      } finally {
        t.dispose();
      }
    },
    dispose: () => model.dispose(),
  };
}
