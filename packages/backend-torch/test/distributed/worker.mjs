// One rank of the collectives spec (../distributed.test.ts), started with torchrun's
// environment. Runs on the built package (dist/): a child process cannot load src/*.ts.
// Prints one JSON line with what it saw; MODE picks the scenario.
import * as tf from '@tensorflow/tfjs-core';
import { initProcessGroup, launchEnv, registerTorchBackend } from '../../dist/index.js';

registerTorchBackend({ threads: 1 });
await tf.setBackend('torch');
const job = launchEnv();
const mode = process.env.MODE ?? 'collectives';
const timeoutMs = Number(process.env.TIMEOUT_MS ?? 20000);
const out = { rank: job.rank };
let pg;
try {
  pg = initProcessGroup({ ...job, timeoutMs, bucketBytes: 64 * 1024 });
  if (mode === 'collectives') collectives(pg);
  if (mode === 'silent-peer') {
    // Rank 1 joins, then never takes part: rank 0's all-reduce must time out.
    if (job.rank === 1) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, timeoutMs * 1.5);
    else tf.tidy(() => pg.allReduceSum([tf.ones([4])]));
  }
  pg.destroy();
} catch (e) {
  out.error = e.message;
  out.code = e.code;
  // The failed group was let go (its teardown could block): later calls say why.
  try {
    pg?.barrier();
  } catch (again) {
    out.after = again.message;
  }
}
process.stdout.write(`${JSON.stringify(out)}\n`);

function collectives(pg) {
  const r = pg.rank;
  const [mean, sum, max] = tf.tidy(() => {
    const a = tf.tensor([[1 + r, 2], [3, 4 * (r + 1)]]);
    const b = tf.tensor([10 * (r + 1)]);
    return [pg.allReduceMean([a, b]), pg.allReduceSum([tf.tensor([r + 1], [1], 'int32')]), pg.allReduceMax([tf.scalar(r)])];
  });
  out.mean = mean.map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }));
  out.sum = { dtype: sum[0].dtype, values: Array.from(sum[0].dataSync()) };
  out.max = max[0].dataSync()[0];
  tf.dispose([...mean, ...sum, ...max]);
  const [bc] = tf.tidy(() => pg.broadcast([tf.fill([3], r + 7)]));
  out.broadcast = Array.from(bc.dataSync());
  bc.dispose();
  pg.barrier();
  // 40 tensors of 256..10,000 floats (~800 KB), in 64 KB buckets: many buckets, repeated.
  const grads = Array.from({ length: 40 }, (_, i) => tf.randomNormal([256 + i * 250], 0, 1, 'float32', i));
  const once = () => tf.dispose(pg.allReduceMean(grads));
  for (let i = 0; i < 20; i++) once();
  const before = { tf: tf.memory(), rss: process.memoryUsage().rss };
  for (let i = 0; i < 300; i++) once();
  const after = { tf: tf.memory(), rss: process.memoryUsage().rss };
  out.memory = {
    numTensors: [before.tf.numTensors, after.tf.numTensors],
    numBytesInNative: [before.tf.numBytesInNative, after.tf.numBytesInNative],
    numNativeTensors: [before.tf.numNativeTensors, after.tf.numNativeTensors],
    rssGrowthMB: (after.rss - before.rss) / 2 ** 20,
  };
  tf.dispose(grads);
}
