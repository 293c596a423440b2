import type { Settings } from '../tune/space.ts';

/** What `new Database(file)` gives on a rollback-journal file (test helper): the "yours" of most tune tests. */
export const PLAIN_OPEN: Settings = {
  journal_mode: 'delete',
  synchronous: 2,
  cache_size: -16000,
  mmap_size: 0,
  temp_store: 0,
  page_size: 4096,
};
