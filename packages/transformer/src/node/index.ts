export { trainTransformer } from './train-transformer';
export type { TrainTransformerOptions } from './train-transformer';
