import { closeSync, createReadStream, createWriteStream, fsyncSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';

/** fsync a file's data and metadata. */
export function fsyncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync a directory, so a rename or unlink inside it survives a crash. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync the directory that holds `file`. */
export function fsyncParent(file: string): void {
  fsyncDir(dirname(file));
}

/** True when the file starts with the gzip magic bytes (content decides, not the name). */
export function isGzipFile(file: string): boolean {
  const buf = Buffer.alloc(2);
  const fd = openSync(file, 'r');
  try {
    return readSync(fd, buf, 0, 2, 0) === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** Streams src through gzip into dest (created exclusively), then fsyncs dest. */
export async function gzipFile(src: string, dest: string): Promise<void> {
  await pipeline(createReadStream(src), createGzip({ level: 6 }), createWriteStream(dest, { flags: 'wx' }));
  fsyncFile(dest);
}

/** Streams a gzip file into dest (created exclusively), then fsyncs dest. */
export async function gunzipFile(src: string, dest: string): Promise<void> {
  await pipeline(createReadStream(src), createGunzip(), createWriteStream(dest, { flags: 'wx' }));
  fsyncFile(dest);
}
