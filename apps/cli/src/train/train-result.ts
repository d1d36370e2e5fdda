import type { summarizeCounts } from './codes';

/** Why a run ended. */
export type StopReason = 'completed' | 'interrupted' | 'time-limit';

/** The `--json` result of `vqct train` (README.md documents it). */
export interface TrainResult {
  runDir: string;
  checkpoint: string;
  stopped: StopReason;
  backend: string;
  startStep: number;
  step: number;
  targetSteps: number;
  seconds: number;
  stepsPerSecond: number;
  imagesPerSecond: number;
  /** Mean losses of the first and last (up to) 10 steps of this invocation. */
  loss: { first: Record<string, number>; last: Record<string, number> };
  usage: { images: number; adjective: ReturnType<typeof summarizeCounts>; noun: ReturnType<typeof summarizeCounts> };
  codebook: { kAdj: number; kNoun: number };
  files: { config: string; run: string; metrics: string; samples: string[]; plots: string[] };
  skippedImages: number;
  /** Data-parallel workers (1: a single process); batch and img/s above are totals over them. */
  workers: number;
  /** This worker's rank (only rank 0 writes the run folder). */
  rank: number;
}

/** What a rank other than 0 reports: it wrote nothing, rank 0's result describes the run. */
export function workerResult(runDir: string, p: { step: number; startStep: number; targetSteps: number; stopped: StopReason; backend: string; worldSize: number; rank: number }): TrainResult {
  const none = { used: 0, usage: 0, perplexity: 0 };
  return {
    runDir, checkpoint: '', stopped: p.stopped, backend: p.backend, startStep: p.startStep, step: p.step, targetSteps: p.targetSteps, seconds: 0, stepsPerSecond: 0, imagesPerSecond: 0,
    loss: { first: {}, last: {} }, usage: { images: 0, adjective: none, noun: none }, codebook: { kAdj: 0, kNoun: 0 },
    files: { config: '', run: '', metrics: '', samples: [], plots: [] }, skippedImages: 0, workers: p.worldSize, rank: p.rank,
  };
}
