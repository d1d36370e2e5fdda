import { z } from 'zod';

/**
 * How the learning rate moves over a run, as a factor of the peak lr:
 * a linear warm-up over `warmupSteps` (factor (step + 1) / warmupSteps), then
 * `constant` (1) or `cosine`: from 1 down to `finalFactor` at `decaySteps`,
 * and `finalFactor` after. A pure function of the step, so a resumed run
 * continues on the same curve; `decaySteps` is fixed when a run starts
 * (0 = the run's `steps` then), so a resume with a larger --steps keeps it.
 */
export interface LrSchedule {
  kind: 'constant' | 'cosine';
  warmupSteps: number;
  /** Where the cosine ends; 0: the run's steps (resolved by `resolveLrSchedule`). */
  decaySteps: number;
  /** The factor at and after decaySteps (cosine only). */
  finalFactor: number;
}

export const defaultLrSchedule: LrSchedule = { kind: 'constant', warmupSteps: 0, decaySteps: 0, finalFactor: 0.1 };

export const lrScheduleSchema = z.strictObject({
  kind: z.enum(['constant', 'cosine']),
  warmupSteps: z.number().int().min(0),
  decaySteps: z.number().int().min(0),
  finalFactor: z.number().min(0).max(1),
});

/** The schedule with decaySteps fixed (0 becomes `steps`). */
export function resolveLrSchedule(schedule: LrSchedule, steps: number): LrSchedule {
  return schedule.decaySteps > 0 ? schedule : { ...schedule, decaySteps: steps };
}

/**
 * The factor of the peak learning rate at `step` (0-based: the update that makes step + 1).
 *
 * @example
 * learningRateFactor({ kind: 'cosine', warmupSteps: 0, decaySteps: 100, finalFactor: 0 }, 50); // 0.5
 */
export function learningRateFactor(schedule: LrSchedule, step: number): number {
  if (schedule.warmupSteps > 0 && step < schedule.warmupSteps) return (step + 1) / schedule.warmupSteps;
  if (schedule.kind === 'constant') return 1;
  const span = schedule.decaySteps - schedule.warmupSteps;
  if (span <= 0 || step >= schedule.decaySteps) return schedule.finalFactor;
  const progress = (step - schedule.warmupSteps) / span;
  return schedule.finalFactor + (1 - schedule.finalFactor) * 0.5 * (1 + Math.cos(Math.PI * progress));
}
