import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CorpusStats, type CorpusStatsData } from '../../tagging/corpus-stats';
import { tagDescription } from '../../tagging/pos-tag';
import type { Description } from '../corpus/description';

export interface TagCorpusOptions {
  /** Worker threads; 0 tags on this thread. Default: available cores (at most 8). */
  workers?: number;
  /** Descriptions per message to a worker. */
  batchSize?: number;
  /** The built worker script; default `tag-worker.js` next to this module. */
  workerUrl?: URL;
  /**
   * Descriptions tagged on this thread before workers start: small corpora
   * finish before a worker has loaded compromise (about a second each).
   */
  inlineFirst?: number;
}

export interface TagProgress {
  descriptions: number;
  /** Worker threads actually used. */
  workers: number;
}

function defaultWorkerUrl(): URL | undefined {
  const url = new URL('./tag-worker.js', import.meta.url);
  // Running from sources (tests) there is no built worker: tag in-process.
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined;
}

/**
 * Tags every description into CorpusStats, on worker threads when the built
 * worker is available. Batches are merged in corpus order, so the result is
 * identical to a single-threaded pass (first-seen order included).
 *
 * @example
 * const stats = await tagCorpus(openCorpus('captions.txt').descriptions(), {}, (p) => bar.update(p.descriptions));
 */
export async function tagCorpus(
  descriptions: AsyncIterable<Description>,
  options: TagCorpusOptions = {},
  onProgress?: (p: TagProgress) => void,
): Promise<CorpusStats> {
  const stats = new CorpusStats();
  const url = options.workerUrl ?? defaultWorkerUrl();
  const n = url == null ? 0 : Math.max(0, options.workers ?? Math.min(8, availableParallelism()));
  if (n === 0) {
    for await (const d of descriptions) {
      stats.add(tagDescription(d.text));
      if ((stats.descriptions & 0x3ff) === 0) onProgress?.({ descriptions: stats.descriptions, workers: 0 });
    }
    onProgress?.({ descriptions: stats.descriptions, workers: 0 });
    return stats;
  }
  const iterator = descriptions[Symbol.asyncIterator]();
  const inlineFirst = options.inlineFirst ?? 2000;
  while (stats.descriptions < inlineFirst) {
    const r = await iterator.next();
    if (r.done === true) {
      onProgress?.({ descriptions: stats.descriptions, workers: 0 });
      return stats;
    }
    stats.add(tagDescription(r.value.text));
    if ((stats.descriptions & 0xff) === 0) onProgress?.({ descriptions: stats.descriptions, workers: 0 });
  }
  const rest: AsyncIterable<Description> = { [Symbol.asyncIterator]: () => iterator };
  const batchSize = options.batchSize ?? 256;
  const workers = Array.from({ length: n }, () => new Worker(url as URL));
  const pending = new Map<number, { resolve: (d: CorpusStatsData) => void; reject: (e: Error) => void }>();
  const results = new Map<number, CorpusStatsData>();
  let failure: Error | undefined;
  for (const w of workers) {
    w.on('message', (m: { id: number; data?: CorpusStatsData; error?: string }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error != null) p?.reject(new Error(`tagging worker failed: ${m.error}`));
      else p?.resolve(m.data as CorpusStatsData);
    });
    w.on('error', (e) => {
      failure = e;
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    });
  }
  const inFlight = new Map<number, Promise<void>>();
  let nextId = 0;
  let nextMerge = 0;
  const mergeReady = (): void => {
    while (results.has(nextMerge)) {
      stats.merge(results.get(nextMerge) as CorpusStatsData);
      results.delete(nextMerge);
      nextMerge++;
    }
    onProgress?.({ descriptions: stats.descriptions, workers: n });
  };
  const send = (texts: string[]): void => {
    const id = nextId++;
    const worker = workers[id % n];
    const done = new Promise<CorpusStatsData>((resolve, reject) => pending.set(id, { resolve, reject }))
      .then((data) => {
        results.set(id, data);
        inFlight.delete(id);
        mergeReady();
      });
    done.catch(() => undefined); // handled where it is awaited; avoid an unhandled rejection for the rest
    inFlight.set(id, done);
    worker.postMessage({ id, texts });
  };
  try {
    let batch: string[] = [];
    for await (const d of rest) {
      if (failure != null) throw failure;
      batch.push(d.text);
      if (batch.length === batchSize) {
        send(batch);
        batch = [];
        // Backpressure: a few batches per worker in flight, never the whole corpus.
        while (inFlight.size >= 3 * n) await Promise.race(inFlight.values());
      }
    }
    if (batch.length > 0) send(batch);
    await Promise.all(inFlight.values());
    return stats;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
