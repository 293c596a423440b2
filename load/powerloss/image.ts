import type { Rng } from '../../lib/rng.ts';
import type { FileId, PlEvent } from './log.ts';

/**
 * Crash images: the database's files as a power cut would leave them after a prefix of the
 * recorder's log. The model, stated once:
 *
 * - A file's writes and truncates are durable once a sync (fsync/fdatasync) of that file has
 *   returned; those after its last sync may each have reached the disk or not, in any order
 *   (the page cache writes back what it likes), and one may be torn (a prefix of its 512-byte
 *   sectors).
 * - Creating and unlinking a file are metadata: the file system's journal commits them in
 *   order, at the latest with the next sync of any file or of the directory (ext4 with its
 *   journal: an fsync commits the running transaction, every earlier metadata change with it).
 *   Those not committed at the cut are lost as a suffix: some prefix of them survives.
 *
 * Modes at a cut: 'none' (nothing after the barriers), 'all' (every pending change reached
 * the disk: what a process crash leaves), 'random' (each pending write kept with probability
 * ½, a random prefix of the pending metadata), 'torn' (as random, and one kept write cut to a
 * prefix of its sectors). Pure.
 */
export type CutMode = 'none' | 'all' | 'random' | 'torn';
/**
 * How creating and unlinking files become durable: 'journaled' (the default, ext4 with its
 * journal: committed in order with the next sync of any file or of the directory) or
 * 'synchronous' (durable the moment the call returns, as on a file system mounted with
 * `dirsync`: the most forgiving model, under which only file data can be lost).
 */
export type MetadataModel = 'journaled' | 'synchronous';
export const METADATA_MODELS: readonly MetadataModel[] = ['journaled', 'synchronous'];
export const CUT_MODES: readonly CutMode[] = ['none', 'all', 'random', 'torn'];
export const SECTOR = 512;

/** A file's bytes, growable. */
class Content {
  buf: Buffer;
  size: number;
  constructor(initial?: Buffer) {
    this.buf = Buffer.alloc(Math.max(4096, initial?.length ?? 0));
    this.size = 0;
    if (initial) this.write(0, initial);
  }
  write(offset: number, data: Buffer): void {
    const end = offset + data.length;
    if (end > this.buf.length) {
      const next = Buffer.alloc(Math.max(end, this.buf.length * 2));
      this.buf.copy(next, 0, 0, this.size);
      this.buf = next;
    }
    // Writing past the end leaves a hole of zeros (Buffer.alloc zeroed it, truncate re-zeroes).
    data.copy(this.buf, offset);
    this.size = Math.max(this.size, end);
  }
  truncate(size: number): void {
    if (size < this.size) this.buf.fill(0, size, this.size);
    else if (size > this.buf.length) this.write(size, Buffer.alloc(0));
    this.size = size;
  }
  clone(): Content {
    const c = new Content();
    c.buf = Buffer.from(this.buf.subarray(0, Math.max(this.size, 1)));
    c.size = this.size;
    return c;
  }
  bytes(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.size));
  }
}

interface FileState {
  exists: boolean;
  content: Content;
  /** Generation: +1 at every create and unlink of the name. */
  gen: number;
}

interface DataOp {
  kind: 'write' | 'truncate';
  offset: number;
  data?: Buffer;
  gen: number;
}
interface MetaOp {
  kind: 'create' | 'unlink';
  file: FileId;
}

/** The files of one image: null where the file does not exist. */
export type ImageFiles = Record<FileId, Buffer | null>;

const FILES: readonly FileId[] = [0, 1, 2];

function applyData(c: Content, op: DataOp, tornSectors?: number): void {
  if (op.kind === 'truncate') c.truncate(op.offset);
  else if (tornSectors === undefined) c.write(op.offset, op.data!);
  else c.write(op.offset, op.data!.subarray(0, tornSectors * SECTOR));
}

/**
 * Replays a log once, from the files as they were before the run, and builds the image of
 * each cut point in ascending order (a cut at k keeps events 0 … k−1).
 */
export function crashImages(
  initial: ImageFiles,
  events: readonly PlEvent[],
  cuts: readonly { k: number; mode: CutMode }[],
  rng: Rng,
  onImage: (cut: { k: number; mode: CutMode }, files: ImageFiles) => void,
  metadata: MetadataModel = 'journaled',
): void {
  const durable = new Map<FileId, FileState>(
    FILES.map((f) => [f, { exists: initial[f] !== null, content: new Content(initial[f] ?? undefined), gen: 0 }]),
  );
  /** The generation each name has in the running (not yet durable) view. */
  const gen = new Map<FileId, number>(FILES.map((f) => [f, 0]));
  const pendingData = new Map<FileId, DataOp[]>(FILES.map((f) => [f, []]));
  let pendingMeta: MetaOp[] = [];

  const commitMeta = () => {
    for (const m of pendingMeta) {
      const d = durable.get(m.file)!;
      d.exists = m.kind === 'create';
      d.content = new Content();
      d.gen++;
    }
    pendingMeta = [];
    // Writes to a generation that is now gone for good cannot reach the disk any more.
    for (const f of FILES)
      pendingData.set(
        f,
        pendingData.get(f)!.filter((op) => op.gen >= durable.get(f)!.gen),
      );
  };

  const sorted = [...cuts].sort((a, b) => a.k - b.k);
  let next = 0;
  for (let k = 0; k <= events.length && next < sorted.length; k++) {
    while (next < sorted.length && sorted[next]!.k === k) {
      onImage(sorted[next]!, image(sorted[next]!.mode));
      next++;
    }
    if (k === events.length) break;
    const e = events[k]!;
    switch (e.type) {
      case 'write':
      case 'truncate':
        pendingData
          .get(e.file)!
          .push({ kind: e.type, offset: e.offset, ...(e.data ? { data: e.data } : {}), gen: gen.get(e.file)! });
        break;
      case 'create':
      case 'unlink':
        pendingMeta.push({ kind: e.type, file: e.file });
        gen.set(e.file, gen.get(e.file)! + 1);
        if (metadata === 'synchronous') commitMeta();
        break;
      case 'dirsync':
        commitMeta();
        break;
      case 'sync': {
        commitMeta();
        const d = durable.get(e.file)!;
        for (const op of pendingData.get(e.file)!) if (op.gen === d.gen && d.exists) applyData(d.content, op);
        pendingData.set(e.file, []);
        break;
      }
    }
  }

  function image(mode: CutMode): ImageFiles {
    const metaKept = mode === 'none' ? 0 : mode === 'all' ? pendingMeta.length : rng.int(0, pendingMeta.length);
    const files = new Map<FileId, FileState>();
    for (const f of FILES) {
      const d = durable.get(f)!;
      files.set(f, { exists: d.exists, content: d.content.clone(), gen: d.gen });
    }
    for (const m of pendingMeta.slice(0, metaKept)) {
      const s = files.get(m.file)!;
      s.exists = m.kind === 'create';
      s.content = new Content();
      s.gen++;
    }
    // Candidate writes: those of the generation each file has in this image.
    const kept: { f: FileId; op: DataOp }[] = [];
    for (const f of FILES) {
      const s = files.get(f)!;
      if (!s.exists) continue;
      for (const op of pendingData.get(f)!) {
        if (op.gen !== s.gen) continue;
        if (mode === 'all' || ((mode === 'random' || mode === 'torn') && rng.next() < 0.5)) kept.push({ f, op });
      }
    }
    let torn = -1;
    if (mode === 'torn') {
      const tearable = kept.flatMap((x, i) => (x.op.kind === 'write' && x.op.data!.length > SECTOR ? [i] : []));
      if (tearable.length) torn = tearable[rng.int(0, tearable.length - 1)]!;
    }
    kept.forEach((x, i) => {
      const sectors = i === torn ? rng.int(0, Math.ceil(x.op.data!.length / SECTOR) - 1) : undefined;
      applyData(files.get(x.f)!.content, x.op, sectors);
    });
    return {
      0: files.get(0)!.exists ? files.get(0)!.content.bytes() : null,
      1: files.get(1)!.exists ? files.get(1)!.content.bytes() : null,
      2: files.get(2)!.exists ? files.get(2)!.content.bytes() : null,
    };
  }
}
