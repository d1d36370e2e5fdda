// --- training (issue 6): file IO, datasets, pretrained nets
export { saveCheckpoint, loadCheckpoint, restoreCheckpoint, LAST_CHECKPOINT } from './checkpoint-files';
export { ImageFolderDataset } from './image-folder';
export { parseBackground, DEFAULT_BACKGROUND } from './background';
export type { Rgb } from './background';
export { listEmojiImages, splitEmojiImages, isHeldOutEmoji, emojiCaptions, EMOJI_STYLES } from './emoji-catalog';
export type { EmojiImage, EmojiSplit, EmojiStyle } from './emoji-catalog';
export { loadEmojiDataset, EmojiDataset, DEFAULT_EMOJI_HELD_OUT } from './emoji-dataset';
export type { EmojiDatasetOptions } from './emoji-dataset';
export type { ImageFolderOptions, SkippedImage } from './image-folder';
export { loadMnistDataset, resizeBilinear } from './mnist-datasets';
export type { MnistLike, MnistOptions } from './mnist-datasets';
export { loadNsfwjsFeatureNet, loadMobileNetPerceptual, loadInceptionPoolFeatures } from './nsfwjs-models';
export type { NsfwjsModel } from './nsfwjs-models';
export { trainWithCheckpoints } from './train-run';
export type { TrainWithCheckpointsOptions } from './train-run';
// --- end training
