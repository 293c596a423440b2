import { readFileSync } from 'node:fs';

/**
 * The recorder's log (native/powerloss/recorder.c), read back: every write, truncate,
 * unlink, create and sync barrier on the database's files, in the order the calls returned.
 */
export type EventType = 'write' | 'sync' | 'truncate' | 'unlink' | 'create' | 'dirsync';
/** The database, its -wal, its -journal. */
export type FileId = 0 | 1 | 2;
export const FILE_SUFFIX: Record<FileId, string> = { 0: '', 1: '-wal', 2: '-journal' };

export interface PlEvent {
  type: EventType;
  /** 0 database, 1 -wal, 2 -journal (a directory sync names no file: 0). */
  file: FileId;
  /** Write: where; truncate: the new size. */
  offset: number;
  /** Write: the bytes written. */
  data?: Buffer;
  /** CLOCK_MONOTONIC, ms (the clock process.hrtime uses). */
  tMs: number;
  seq: number;
}

const TYPES: Record<number, EventType> = {
  1: 'write',
  2: 'sync',
  3: 'truncate',
  4: 'unlink',
  5: 'create',
  6: 'dirsync',
};
const HEADER = 32;

/** Parses a log; a record cut short at the end (the process was killed mid-write) is dropped. */
export function parseLog(buf: Buffer): PlEvent[] {
  const out: PlEvent[] = [];
  let at = 0;
  while (at + HEADER <= buf.length) {
    const type = TYPES[buf[at]!];
    const file = buf[at + 1]!;
    const len = buf.readUInt32LE(at + 4);
    const offset = Number(buf.readBigUInt64LE(at + 8));
    const ns = buf.readBigUInt64LE(at + 16);
    const seq = Number(buf.readBigUInt64LE(at + 24));
    const dataLen = type === 'write' ? len : 0;
    if (at + HEADER + dataLen > buf.length) break;
    if (!type) throw new Error(`power-loss log: unknown record type ${buf[at]} at byte ${at}`);
    out.push({
      type,
      file: (file === 255 ? 0 : file) as FileId,
      offset,
      ...(type === 'write' ? { data: buf.subarray(at + HEADER, at + HEADER + dataLen) } : {}),
      tMs: Number(ns / 1000n) / 1000,
      seq,
    });
    at += HEADER + dataLen;
  }
  return out;
}

export function readLog(file: string): PlEvent[] {
  return parseLog(readFileSync(file));
}

/** A log record, for tests (the layout recorder.c writes). */
export function encodeEvent(e: Omit<PlEvent, 'seq'> & { seq?: number }): Buffer {
  const code = Number(Object.entries(TYPES).find(([, t]) => t === e.type)![0]);
  const h = Buffer.alloc(HEADER);
  h[0] = code;
  h[1] = e.type === 'dirsync' ? 255 : e.file;
  h.writeUInt32LE(e.data?.length ?? 0, 4);
  h.writeBigUInt64LE(BigInt(e.offset), 8);
  h.writeBigUInt64LE(BigInt(Math.round(e.tMs * 1e6)), 16);
  h.writeBigUInt64LE(BigInt(e.seq ?? 0), 24);
  return e.type === 'write' && e.data ? Buffer.concat([h, e.data]) : h;
}
