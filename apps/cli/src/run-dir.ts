import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError, IoError } from '@vqct/core';
import { writeFileAtomic } from '@vqct/core/node';

/**
 * The layout of a training run folder (README.md, "Run folder"):
 *
 *   config.yaml      the resolved model/train/discriminator config (loadable with --config)
 *   run.json         everything else the run was made with (data, prior, transfer net, quantizer)
 *   checkpoints/     last.json + step-N.safetensors/.json (+ prior.safetensors): all `--checkpoint` needs
 *   samples/         step-N.png: inputs (top) vs reconstructions (bottom)
 *   metrics.jsonl    one JSON line per step
 *   plots/           loss.svg/.png, usage.svg/.png
 *
 * A fresh run is built in a hidden sibling folder and renamed into place at its
 * first checkpoint, so a run that fails early leaves nothing behind.
 */
export class RunDir {
  private current: string;
  private committed: boolean;

  private constructor(readonly target: string, current: string, committed: boolean) {
    this.current = current;
    this.committed = committed;
  }

  /** A new run: fails when `target` already holds files (use --resume to continue one). */
  static create(target: string): RunDir {
    const abs = resolve(target);
    if (existsSync(abs) && readdirSync(abs).length > 0) {
      throw new ConfigError(`--out ${target} already holds files; pass --resume to continue that run, or choose another --out`, { file: target });
    }
    const parent = dirname(abs);
    const staging = join(parent, `.${basename(abs)}.partial-${process.pid}`);
    try {
      mkdirSync(parent, { recursive: true });
      // Staging folders of runs killed before their first checkpoint (the caller holds the run's lock).
      const prefix = `.${basename(abs)}.partial-`;
      for (const f of readdirSync(parent)) if (f.startsWith(prefix)) rmSync(join(parent, f), { recursive: true, force: true });
      for (const sub of ['checkpoints', 'samples', 'plots']) mkdirSync(join(staging, sub), { recursive: true });
    } catch (e) {
      throw new IoError(`cannot create the run folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: target, cause: e });
    }
    return new RunDir(abs, staging, false);
  }

  /** An existing run (for --resume): it must have a checkpoint. */
  static open(target: string): RunDir {
    const abs = resolve(target);
    if (!existsSync(join(abs, 'checkpoints', 'last.json'))) {
      throw new ConfigError(`--resume: ${target} has no checkpoints/last.json (not a vqct run folder, or it never reached a checkpoint)`, { file: target });
    }
    for (const sub of ['samples', 'plots']) mkdirSync(join(abs, sub), { recursive: true });
    return new RunDir(abs, abs, true);
  }

  /** The folder files go to now (the staging folder until `commit()`). */
  get path(): string {
    return this.current;
  }

  get checkpoints(): string {
    return join(this.current, 'checkpoints');
  }

  file(...parts: string[]): string {
    return join(this.current, ...parts);
  }

  /** Moves a fresh run into place (idempotent). */
  commit(): void {
    if (this.committed) return;
    if (existsSync(this.target)) rmSync(this.target, { recursive: true, force: true }); // empty, checked in create()
    renameSync(this.current, this.target);
    this.current = this.target;
    this.committed = true;
  }

  /** Removes a fresh run that never reached a checkpoint. */
  abandon(): void {
    if (!this.committed) rmSync(this.current, { recursive: true, force: true });
  }

  write(name: string, data: string | Uint8Array): void {
    writeFileAtomic(this.file(name), data);
  }

  /** Appends one line to metrics.jsonl. */
  appendMetrics(record: Record<string, unknown>): void {
    try {
      appendFileSync(this.file('metrics.jsonl'), `${JSON.stringify(record)}\n`);
    } catch (e) {
      // A full disk shows up here first, often: a clear error, the last checkpoint stays intact.
      throw new IoError(`cannot append to metrics.jsonl (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: this.file('metrics.jsonl'), cause: e });
    }
  }

  /** metrics.jsonl records (with step <= `upTo` when given); unreadable lines are skipped. */
  readMetrics(upTo?: number): Array<Record<string, unknown> & { step: number }> {
    const path = this.file('metrics.jsonl');
    if (!existsSync(path)) return [];
    const out: Array<Record<string, unknown> & { step: number }> = [];
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const r = JSON.parse(line) as Record<string, unknown> & { step: number };
        if (typeof r.step === 'number' && (upTo == null || r.step <= upTo)) out.push(r);
      } catch {
        // a line cut by a kill: dropped
      }
    }
    return out;
  }

  /** After a resume: metrics.jsonl keeps only the steps the checkpoint has (a killed run may have logged more). */
  truncateMetrics(upTo: number): void {
    const kept = this.readMetrics(upTo);
    writeFileAtomic(this.file('metrics.jsonl'), kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }
}
