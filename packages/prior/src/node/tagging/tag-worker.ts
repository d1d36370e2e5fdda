import { parentPort } from 'node:worker_threads';
import { CorpusStats } from '../../tagging/corpus-stats';
import { tagDescription } from '../../tagging/pos-tag';

/** Tagging worker: one batch of descriptions in, that batch's CorpusStatsData out. */
parentPort?.on('message', (msg: { id: number; texts: string[] }) => {
  try {
    const stats = new CorpusStats();
    for (const t of msg.texts) stats.add(tagDescription(t));
    parentPort?.postMessage({ id: msg.id, data: stats.toData() });
  } catch (e) {
    parentPort?.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
