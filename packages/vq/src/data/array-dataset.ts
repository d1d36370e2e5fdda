import { ShapeError } from '@vqct/core';
import type { ImageDataset } from './types';

/**
 * An in-memory dataset over one Float32Array of HWC images in [-1, 1].
 *
 * @example
 * const ds = new ArrayImageDataset(pixels, { count: 10, height: 32, width: 32, channels: 3, name: 'demo' });
 */
export class ArrayImageDataset implements ImageDataset {
  readonly size: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly name: string;

  constructor(private readonly pixels: Float32Array, shape: { count: number; height: number; width: number; channels: number; name: string }) {
    const per = shape.height * shape.width * shape.channels;
    if (pixels.length !== shape.count * per) {
      throw new ShapeError(`dataset "${shape.name}": ${shape.count} images of ${shape.height}x${shape.width}x${shape.channels} need ${shape.count * per} values, got ${pixels.length}`);
    }
    this.size = shape.count;
    this.height = shape.height;
    this.width = shape.width;
    this.channels = shape.channels;
    this.name = shape.name;
  }

  async get(index: number): Promise<Float32Array | null> {
    const per = this.height * this.width * this.channels;
    return this.pixels.slice(index * per, (index + 1) * per);
  }
}
