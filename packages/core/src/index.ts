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
export { encodeSafetensors, decodeSafetensors, MAX_SAFETENSORS_HEADER_BYTES } from './safetensors';
export type { DecodeSafetensorsOptions } from './safetensors';
export { jsonDepth, parseJsonWithDepthLimit, MAX_JSON_DEPTH } from './json-depth';
export type { SafetensorsDtype, SafetensorsTensor, SafetensorsFile } from './safetensors';
export { Rng } from './rng';
export { Sha256, sha256Hex } from './digest';
export { parseWithSchema, resolveOrThrow } from './options';
export type { ParseResult } from './options';
