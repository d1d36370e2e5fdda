import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { IoError } from '../errors';

/**
 * Writes `data` to `path` so that a reader sees either the old file or the
 * whole new one, never a partial write: temp file in the same folder, fsync,
 * rename, fsync the folder. On failure the temp file is removed and an
 * IoError names the file.
 *
 * @example
 * writeFileAtomic('prior.safetensors', bytes);
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd != null) {
      try { closeSync(fd); } catch { /* already failing */ }
    }
    rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    throw new IoError(`cannot write (${err.code ?? err.message})`, { file: path, cause: e });
  }
  try {
    const dfd = openSync(dir, 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename already happened.
  }
}
