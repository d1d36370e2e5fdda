import { z } from 'zod';

export const CHECKPOINT_FORMAT_VERSION = 1;

/**
 * The weights file of the checkpoint at `step` (its sidecar is the same name in .json).
 * @example
 * stepWeightsFile(1200); // 'step-00001200.safetensors'
 */
export function stepWeightsFile(step: number): string {
  return `step-${String(step).padStart(8, '0')}.safetensors`;
}

/** The JSON sidecar written next to a checkpoint's .safetensors. */
export interface CheckpointSidecar {
  formatVersion: number;
  /** The .safetensors file name (same folder) this sidecar describes. */
  weightsFile: string;
  /** sha256 hex and byte length of that file, checked on load. */
  weightsSha256: string;
  weightsBytes: number;
  /** The model configuration (resolved) the weights belong to. */
  modelConfig: unknown;
  /** The training options, for the record. */
  trainConfig?: unknown;
  /** sha256 of the prior the codebook was built from (null without one). */
  priorDigest: string | null;
  step: number;
  epoch: number;
  data: { seed: number; epoch: number; cursor: number; skipped: number };
  rng: number[];
  metrics: Record<string, number>;
  /** Variable names in the weights file, by group prefix (`model`, `transfer`, `disc`, `opt`). */
  groups: Record<string, number>;
  createdAt: string;
}

export const checkpointSidecarSchema = z.object({
  formatVersion: z.number().int(),
  // A file name in the sidecar's own folder: never a path that reaches elsewhere.
  weightsFile: z.string().regex(/^[^/\\]+\.safetensors$/, 'a .safetensors file name in the same folder (no path)').refine((f) => f !== '..' && !f.startsWith('..'), 'no ".."'),
  weightsSha256: z.string().regex(/^[0-9a-f]{64}$/),
  weightsBytes: z.number().int().min(0),
  modelConfig: z.unknown(),
  trainConfig: z.unknown().optional(),
  priorDigest: z.string().nullable(),
  step: z.number().int().min(0),
  epoch: z.number().int().min(0),
  data: z.object({ seed: z.number().int(), epoch: z.number().int(), cursor: z.number().int(), skipped: z.number().int() }),
  rng: z.array(z.number().int()).length(4),
  // JSON has no NaN/Infinity: a guard-stopped run never gets here, but be lenient on reading.
  metrics: z.record(z.string(), z.number().nullable()).transform((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v != null)) as Record<string, number>),
  groups: z.record(z.string(), z.number().int()),
  createdAt: z.string(),
});

/** JSON with object keys sorted, so equal configs compare equal as strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v != null && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}
