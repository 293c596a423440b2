/** A mistake in what the user asked for (flags, paths, file contents): exit 2, one line, no stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** True when an error is a user mistake that should be reported as one line with exit 2. */
export function isUsageError(err: unknown): err is UsageError {
  return err instanceof UsageError;
}
