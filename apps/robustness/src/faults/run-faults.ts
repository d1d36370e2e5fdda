import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint } from '@vqct/vq/node';
import { runVqct, startVqct } from './child';
import { TRIAL_STEPS } from './kill-trials';

/** The outcome of one of the other fault checks (a table row). */
export interface FaultCheck {
  fault: string;
  ok: boolean;
  detail: string;
}

const trainArgs = (out: string, extra: string[] = []): string[] => [
  'train', '--config', 'fuzz.yaml', '--data', 'fashion-mnist', '--limit', '8', '--prior', 'prior.safetensors',
  '--steps', String(TRIAL_STEPS), '--checkpoint-every', '2', '--sample-every', '0', '--seed', '3', '--out', out, ...extra,
];

const oneLine = (stderr: string): string[] => stderr.split('\n').filter((l) => l.trim().length > 0);

/**
 * Two `vqct train` into one --out: the second is refused while the first runs; after
 * the first is killed with -9 its lock is stale and a third run takes it over.
 */
export async function lockCheck(dir: string): Promise<FaultCheck> {
  rmSync(join(dir, 'locked'), { recursive: true, force: true });
  const first = startVqct(trainArgs('locked', ['--quiet']), dir);
  const lockFile = join(dir, '.locked.lock');
  const until = Date.now() + 60_000;
  while (!existsSync(lockFile) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  const second = await runVqct(trainArgs('locked', ['--quiet']), dir);
  first.proc.kill('SIGKILL');
  await first.done;
  const lines = oneLine(second.stderr);
  const refused = second.code === 1 && lines.length === 1 && /in use by another vqct train \(pid \d+/.test(lines[0]);
  const stale = existsSync(lockFile);
  // The next run only has to get past the lock: one step is enough.
  const args = existsSync(join(dir, 'locked', 'checkpoints', 'last.json'))
    ? ['train', '--out', 'locked', '--resume', '--steps', String(TRIAL_STEPS), '--quiet']
    : [...trainArgs('locked', ['--quiet']).filter((_, i, a) => a[i - 1] !== '--steps' && a[i] !== '--steps'), '--steps', '1'];
  const third = await runVqct(args, dir);
  const ok = refused && stale && third.code === 0 && !existsSync(lockFile);
  rmSync(join(dir, 'locked'), { recursive: true, force: true });
  return {
    fault: 'two `vqct train` into one --out',
    ok,
    detail: `second: exit ${second.code}, "${(lines[0] ?? '').replace(/pid \d+/, 'pid N').replace(/since \S+\)/, 'since T)')}"; lock left by kill -9: ${stale ? 'yes' : 'no'}; next run over the stale lock: exit ${third.code}`,
  };
}

/**
 * A loss that becomes NaN (learning rate 1e8): the run stops with exit 1 naming the
 * step, no checkpoint is written for it, the last one holds finite weights, and
 * --resume starts from it (and, being deterministic, meets the same NaN).
 */
export async function nanCheck(dir: string): Promise<FaultCheck> {
  rmSync(join(dir, 'nan'), { recursive: true, force: true });
  const r = await runVqct(['train', '--config', 'fuzz.yaml', '--data', 'fashion-mnist', '--limit', '8', '--prior', 'prior.safetensors', '--steps', '8', '--checkpoint-every', '1', '--sample-every', '0', '--lr', '1e8', '--out', 'nan', '--quiet'], dir);
  const lines = oneLine(r.stderr);
  const m = /is NaN at step (\d+); stopping before the update/.exec(lines[0] ?? '');
  let lastStep = -1;
  let finite = false;
  if (existsSync(join(dir, 'nan', 'checkpoints', 'last.json'))) {
    const ck = loadCheckpoint(join(dir, 'nan', 'checkpoints'));
    lastStep = ck.sidecar.step;
    finite = Object.values(ck.tensors).every((t) => t.dtype !== 'F32' || (t.data as Float32Array).every((v) => Number.isFinite(v)));
  }
  const resumed = await runVqct(['train', '--out', 'nan', '--resume'], dir);
  const from = /resume: continuing from step (\d+)/.exec(resumed.stderr)?.[1];
  const nanStep = m?.[1] != null ? Number(m[1]) : -1;
  const ok = r.code === 1 && lines.length === 1 && nanStep >= 0 && lastStep === nanStep && finite && Number(from) === lastStep && resumed.code === 1;
  rmSync(join(dir, 'nan'), { recursive: true, force: true });
  return {
    fault: 'NaN in the loss (--lr 1e8)',
    ok,
    detail: `exit ${r.code}: "${(lines[0] ?? '').replace(/^vqct: /, '')}"; last checkpoint step ${lastStep} (weights ${finite ? 'finite' : 'NOT finite'}); --resume continued from step ${from ?? '?'}`,
  };
}

/**
 * Disk full while checkpointing: --out on a small tmpfs (mounted here; needs root),
 * sized so the third checkpoint cannot be written. The run must end with exit 1 and
 * one line naming ENOSPC, and last.json must still name a checkpoint that loads.
 * Returns null where no tmpfs can be mounted (the check is then not claimed).
 */
export async function diskFullCheck(dir: string): Promise<FaultCheck | null> {
  const mnt = join(dir, 'full');
  mkdirSync(mnt, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mnt], { stdio: 'ignore' });
  } catch {
    return null;
  }
  try {
    const r = await runVqct(['train', '--config', join(dir, 'fuzz.yaml'), '--data', 'fashion-mnist', '--limit', '8', '--prior', join(dir, 'prior.safetensors'), '--steps', '12', '--checkpoint-every', '2', '--sample-every', '0', '--seed', '3', '--out', 'run', '--quiet'], mnt);
    const lines = oneLine(r.stderr);
    let step = -1;
    let readable = false;
    try {
      step = loadCheckpoint(join(mnt, 'run', 'checkpoints')).sidecar.step;
      readable = true;
    } catch {
      readable = false;
    }
    const left = existsSync(join(mnt, 'run', 'checkpoints')) ? readdirSync(join(mnt, 'run', 'checkpoints')).filter((f) => f.endsWith('.tmp')) : [];
    const ok = r.code === 1 && lines.length === 1 && /ENOSPC/.test(lines[0]) && readable && step > 0 && left.length === 0;
    return {
      fault: 'disk full while checkpointing (6 MB tmpfs)',
      ok,
      detail: `exit ${r.code}: "${(lines[0] ?? '').replace(/^vqct: /, '').replaceAll(mnt, '<tmpfs>')}"; last.json names step ${step}, ${readable ? 'loads and verifies' : 'UNREADABLE'}; temp files left: ${left.length}`,
    };
  } finally {
    execFileSync('umount', [mnt], { stdio: 'ignore' });
    rmSync(mnt, { recursive: true, force: true });
  }
}
