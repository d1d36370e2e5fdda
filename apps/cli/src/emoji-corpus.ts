import type { Corpus } from '@vqct/prior/node';
import { concatCorpora, defaultCorpus, textsCorpus } from '@vqct/prior/node';
import { emojiCaptions } from '@vqct/vq/node';
import { parseEmojiSource } from './data';

/**
 * `--corpus emoji[:google|:twitter][+wordnet]`: the captions of the emoji
 * datasets (names and short names, one description each), alone or followed
 * by the embedded WordNet corpus; null for any other `--corpus`.
 *
 * @example
 * resolveNamedCorpus('emoji+wordnet')?.corpus; // ~2,800 emoji captions, then the WordNet glosses
 */
export function resolveNamedCorpus(arg: string | undefined): { corpus: Corpus; withWordnet: boolean } | null {
  if (arg == null) return null;
  const [head, ...rest] = arg.split('+');
  const emoji = parseEmojiSource(head);
  if (emoji == null) return null;
  const withWordnet = rest.length === 1 && rest[0] === 'wordnet';
  if (rest.length > 0 && !withWordnet) return null;
  const captions = textsCorpus(`emoji captions (${emoji.styles.join(' + ')})`, emojiCaptions(emoji.styles));
  return { corpus: withWordnet ? concatCorpora([captions, defaultCorpus()]) : captions, withWordnet };
}
