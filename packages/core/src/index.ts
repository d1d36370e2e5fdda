export {
  VqctError,
  ConfigError,
  InputError,
  FormatError,
  ShapeError,
  IoError,
  BackendError,
  NumericError,
  CheckpointError,
  isVqctError,
  check,
} from './errors';
export type { VqctErrorCode, VqctErrorOptions } from './errors';
export { encodeSafetensors, decodeSafetensors } from './safetensors';
export type { SafetensorsDtype, SafetensorsTensor, SafetensorsFile } from './safetensors';
export { Rng } from './rng';
export { Sha256, sha256Hex } from './digest';
export { parseWithSchema, resolveOrThrow } from './options';
export type { ParseResult } from './options';
