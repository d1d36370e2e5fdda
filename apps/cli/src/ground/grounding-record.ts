/** What `vqct ground` did, kept in the new checkpoint's trainConfig.grounding. */
export interface GroundingRecord {
  /** The checkpoint grounded (checkpointLabel: portable, no folder of this machine) and its weights' sha256. */
  from: { checkpoint: string; weightsSha256: string };
  data: string;
  images: { adjective: number; noun: number };
  top: number;
  /** Total word–code score of the assignment, and of the checkpoint's own words. */
  score: { adjective: { grounded: number; identity: number }; noun: { grounded: number; identity: number } };
  fit: { hiddenDim: number; steps: number; learningRate: number; seed: number; mse: number; ownNearest: number };
}
