import { Sha256 } from '@vqct/core';
import type { Corpus, Description } from './description';

/**
 * A corpus over descriptions already in memory (captions that ship with a
 * dataset, such as the emoji names). The digest covers every text and the
 * line breaks between them, so it changes when any caption does.
 *
 * @example
 * const { prior } = await buildPrior({ corpus: textsCorpus('emoji captions', ['red apple', 'open mailbox']) });
 */
export function textsCorpus(name: string, texts: readonly string[]): Corpus {
  let bytes = 0;
  let digest: string | undefined;
  const totalBytes = texts.reduce((n, t) => n + Buffer.byteLength(t) + 1, 0);
  return {
    name,
    format: 'text',
    totalBytes,
    bytesRead: () => bytes,
    async *descriptions(): AsyncGenerator<Description> {
      const sha = new Sha256();
      bytes = 0;
      digest = undefined;
      for (let i = 0; i < texts.length; i++) {
        sha.update(`${texts[i]}\n`);
        bytes += Buffer.byteLength(texts[i]) + 1;
        yield { text: texts[i], file: name, line: i + 1 };
      }
      digest = sha.hex();
    },
    digest() {
      if (digest == null) throw new Error('corpus digest requested before the corpus was read');
      return digest;
    },
  };
}

/**
 * Several corpora read one after the other as one (the emoji captions plus
 * the WordNet glosses); its digest is the SHA-256 of the parts' digests.
 *
 * @example
 * const both = concatCorpora([textsCorpus('emoji', captions), defaultCorpus()]);
 */
export function concatCorpora(parts: readonly Corpus[], name = parts.map((p) => p.name).join(' + ')): Corpus {
  let digest: string | undefined;
  return {
    name,
    format: parts.every((p) => p.format === parts[0]?.format) ? parts[0]?.format ?? 'text' : 'text',
    totalBytes: parts.every((p) => p.totalBytes > 0) ? parts.reduce((n, p) => n + p.totalBytes, 0) : 0,
    bytesRead: () => parts.reduce((n, p) => n + p.bytesRead(), 0),
    async *descriptions(): AsyncGenerator<Description> {
      digest = undefined;
      for (const p of parts) yield* p.descriptions();
      const sha = new Sha256();
      for (const p of parts) sha.update(`${p.digest()}\n`);
      digest = sha.hex();
    },
    digest() {
      if (digest == null) throw new Error('corpus digest requested before the corpus was read');
      return digest;
    },
  };
}
