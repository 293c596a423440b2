import { z } from 'zod';

/** Every measured arm: ok, failed (with a reason) or skipped (with a reason). A failed arm is data, not a crash. */
export const Status = z.enum(['ok', 'failed', 'skipped']);
export type Status = z.infer<typeof Status>;
