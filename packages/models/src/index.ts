export { PRETRAINED_MODELS, pretrainedFiles } from './catalog';
export type { ModelCard, PretrainedFiles, PretrainedName } from './catalog';
export { loadPretrainedFromBytes, checkPretrainedName } from './load-files';
export type { PretrainedBytes, PretrainedModel } from './load-files';
export { loadPretrained, fetchPretrainedBytes } from './fetch-pretrained';
export type { FetchPretrainedOptions } from './fetch-pretrained';
export { loadTokenizerFromBytes, transferOptions } from './tokenizer-from-bytes';
export type { LoadedTokenizer, TokenizerBytes } from './tokenizer-from-bytes';
