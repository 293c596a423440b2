/** The durability model and the recorder's design, stated once: printed with every power-loss result. */
export const POWERLOSS_MODEL =
  'A file’s writes are durable once a sync (fsync/fdatasync) of that file has returned; writes after its last sync ' +
  'may each have reached the disk or not, in any order, and one may be torn (a prefix of its 512-byte sectors). ' +
  'Creating and unlinking a file are committed in order at the latest with the next sync of any file or of the ' +
  'directory (ext4 with its journal; --metadata synchronous makes them durable at once, as with dirsync); those not ' +
  'yet committed are lost as a suffix. Modes per cut: none (only what ' +
  'the barriers made durable), all (every write reached the disk: a process crash), random (each pending write ½), ' +
  'torn (random, and one kept write cut short).';

export const POWERLOSS_RECORDER =
  'An LD_PRELOAD shim (native/powerloss/recorder.c, built on first use) logs every write, truncate, unlink, create ' +
  'and sync on the database, its -wal and its -journal, with the bytes and a monotonic timestamp. It does not see ' +
  'the -shm (memory-mapped; SQLite rebuilds it after a crash), a disk that lies about fsync, reordering inside ' +
  'the drive, or calls SQLite does not make by default (fallocate with a chunk size, writev, writes through a ' +
  'read-write memory map); the check that replaying the whole log gives the files on disk catches such a change ' +
  'only when it leaves a difference at the end.';
