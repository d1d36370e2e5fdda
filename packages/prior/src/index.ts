export type { Prior, PriorMeta, PartOfSpeech } from './types';
