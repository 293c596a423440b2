/**
 * Ctrl-C (or SIGTERM) during a command that owns files on disk: `cleanup` removes them, one
 * line says so on stderr, exit 130. Returns the function that stops listening (call it in a
 * `finally`, before the normal cleanup).
 */
export function exitOnInterrupt(cleanup: () => void, message: string): () => void {
  const onSignal = () => {
    cleanup();
    process.stderr.write(`${message}\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
