import type { Prior } from '@vqct/prior';
import { priorDigest } from '@vqct/prior';
import { loadPrior } from '@vqct/prior/node';
import type { Command } from 'commander';
import { InputError } from '@vqct/core';
import { createOutput, type GlobalOptions } from '../output';
import { intOption } from './parse';

interface Scored {
  word: string;
  pos: 'adj' | 'noun';
  score: number;
}

const posOf = (p: Prior, i: number): 'adj' | 'noun' => (i < p.kAdj ? 'adj' : 'noun');

function topByCount(p: Prior, from: number, to: number, n: number): Scored[] {
  const idx = Array.from({ length: to - from }, (_, k) => from + k);
  idx.sort((a, b) => p.counts[b] - p.counts[a] || a - b);
  return idx.slice(0, n).map((i) => ({ word: p.words[i], pos: posOf(p, i), score: p.counts[i] }));
}

/** The n words whose vectors have the highest cosine similarity to word i's. */
export function nearestWords(p: Prior, i: number, n: number): Scored[] {
  const d = p.dim;
  const norm = (k: number): number => {
    let s = 0;
    for (let j = 0; j < d; j++) s += p.vectors[k * d + j] ** 2;
    return Math.sqrt(s) || 1;
  };
  const ni = norm(i);
  const scored: Scored[] = [];
  for (let k = 0; k < p.words.length; k++) {
    if (k === i) continue;
    let dot = 0;
    for (let j = 0; j < d; j++) dot += p.vectors[i * d + j] * p.vectors[k * d + j];
    scored.push({ word: p.words[k], pos: posOf(p, k), score: dot / (ni * norm(k)) });
  }
  return scored.sort((a, b) => b.score - a.score).slice(0, n);
}

/**
 * The n nearest distinct words, a word that is both an adjective and a noun
 * listed once with both parts of speech ("blue/a+n"), so that a summary never
 * shows the same word twice.
 *
 * @example
 * nearestLabelled(prior, prior.words.indexOf('red'), 5); // ['yellow/a', 'blue/a+n', ...]
 */
export function nearestLabelled(p: Prior, i: number, n: number): string[] {
  const merged = new Map<string, Set<'adj' | 'noun'>>();
  for (const s of nearestWords(p, i, p.words.length)) {
    if (s.word === p.words[i]) continue;
    const pos = merged.get(s.word) ?? new Set();
    if (pos.size === 0 && merged.size >= n) break;
    pos.add(s.pos);
    merged.set(s.word, pos);
  }
  return [...merged].slice(0, n).map(([w, pos]) => `${w}/${pos.size === 2 ? 'a+n' : pos.has('adj') ? 'a' : 'n'}`);
}

/** Graph neighbours of word i, heaviest edges first. */
export function graphNeighbours(p: Prior, i: number, n: number): Scored[] {
  const out: Scored[] = [];
  for (let e = 0; e < p.edgeWeight.length; e++) {
    const a = p.edgeIndex[2 * e];
    const b = p.edgeIndex[2 * e + 1];
    const other = a === i ? b : b === i ? a : -1;
    if (other >= 0) out.push({ word: p.words[other], pos: posOf(p, other), score: p.edgeWeight[e] });
  }
  return out.sort((x, y) => y.score - x.score).slice(0, n);
}

const list = (xs: Scored[], digits = 0): string => xs.map((x) => `${x.word}${x.pos === 'adj' ? '/a' : '/n'} ${x.score.toFixed(digits)}`).join(', ');

/** `vqct prior inspect`: sizes, top words, nearest words and graph neighbours. */
export function registerPriorInspect(prior: Command): void {
  prior
    .command('inspect')
    .description('show what a prior file holds')
    .argument('<file>', 'a prior .safetensors file')
    .option('--word <word>', 'show the nearest words (cosine) and graph neighbours of this word')
    .option('--top <n>', 'how many words to list', intOption('--top'), 10)
    .action((file: string, opts: { word?: string; top: number }, cmd: Command) => {
      const out = createOutput(cmd.optsWithGlobals<GlobalOptions>());
      const p = loadPrior(file);
      const totalWeight = p.edgeWeight.reduce((s, w) => s + w, 0);
      const summary = {
        file,
        digest: priorDigest(p),
        K: p.words.length,
        kAdj: p.kAdj,
        kNoun: p.kNoun,
        dim: p.dim,
        edges: p.edgeWeight.length,
        edgeWeightTotal: totalWeight,
        meta: p.meta,
        topAdjectives: topByCount(p, 0, p.kAdj, opts.top),
        topNouns: topByCount(p, p.kAdj, p.words.length, opts.top),
      };
      let word: Record<string, unknown> | undefined;
      if (opts.word != null) {
        const w = opts.word.toLowerCase();
        const hits = p.words.map((x, i) => (x === w ? i : -1)).filter((i) => i >= 0);
        if (hits.length === 0) throw new InputError(`the word "${opts.word}" is not in this prior (${p.words.length} words)`, { file });
        word = {
          word: w,
          entries: hits.map((i) => ({ index: i, pos: posOf(p, i), count: p.counts[i], nearest: nearestWords(p, i, opts.top), neighbours: graphNeighbours(p, i, opts.top) })),
        };
      }
      out.result({ ...summary, word }, () => {
        const lines = [
          `${file}: K ${summary.K} = ${p.kAdj} adjectives + ${p.kNoun} nouns, dim ${p.dim}, ${summary.edges} edges (total weight ${totalWeight})`,
          `  embeddings ${p.meta.embeddingSource}, min-count ${p.meta.minCount}, corpus sha256 ${p.meta.corpusDigest.slice(0, 16)}..., ${p.meta.droppedWords?.length ?? 0} words dropped without a vector`,
          `  digest ${summary.digest}`,
          `  top adjectives: ${list(summary.topAdjectives)}`,
          `  top nouns: ${list(summary.topNouns)}`,
        ];
        for (const e of (word?.entries ?? []) as Array<{ index: number; pos: string; count: number; nearest: Scored[]; neighbours: Scored[] }>) {
          lines.push(`${String(word?.word)} (${e.pos}, index ${e.index}, count ${e.count})`);
          lines.push(`  nearest: ${list(e.nearest, 3)}`);
          lines.push(`  graph neighbours: ${e.neighbours.length > 0 ? list(e.neighbours) : '(none)'}`);
        }
        return lines;
      });
    });
}
