export { loadPretrained, pretrainedDir, readPretrainedBytes } from './read-pretrained';
