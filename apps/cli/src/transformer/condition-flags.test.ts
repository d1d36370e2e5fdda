import { describe, expect, it } from 'vitest';
import { checkGuidance } from './condition-flags';
import type { LoadedTransformer } from './load-transformer';

/** Only the run settings are read by checkGuidance. */
function loaded(condition: 'none' | 'class' | 'words', captions: string[] | null, conditionDropout?: number): LoadedTransformer {
  return { settings: { condition, captions, train: { conditionDropout } } } as unknown as LoadedTransformer;
}

describe('checkGuidance', () => {
  it('lets guidance 1 through always, and other scales where the unconditional prefix was trained', () => {
    expect(() => checkGuidance(loaded('none', null), 1)).not.toThrow();
    expect(() => checkGuidance(loaded('class', null, 0.1), 3)).not.toThrow();
    expect(() => checkGuidance(loaded('words', ['ankle boot'], 0.1), 3)).not.toThrow();
    // Emoji captions: images whose captions hold no prior word trained the blank prompt.
    expect(() => checkGuidance(loaded('words', null), 2)).not.toThrow();
  });

  it('refuses it for an unconditioned model and for conditions every sequence had without dropout', () => {
    expect(() => checkGuidance(loaded('none', null), 2)).toThrow(/unconditioned/);
    expect(() => checkGuidance(loaded('class', null), 2)).toThrow(/trained without --cond-dropout/);
    expect(() => checkGuidance(loaded('class', null, 0), 0)).toThrow(/trained without --cond-dropout/);
    expect(() => checkGuidance(loaded('words', ['ankle boot']), 2)).toThrow(/trained without --cond-dropout/);
  });
});
