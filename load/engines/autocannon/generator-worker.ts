/**
 * Process entry of the load generators:
 *   node --import tsx generator-worker.ts '<config JSON>'                (generator.ts)
 *   node --import tsx generator-worker.ts --alternating '<config JSON>'  (alternating.ts)
 *   node --import tsx generator-worker.ts --alternating-many '<[config] JSON>'  (several blocks)
 * Runs one and prints one JSON line with the result. SIGTERM or SIGINT stops the run early
 * and still prints the partial result; a closed stdin (the parent died) does the same, so
 * the generator never outlives the runner.
 */
import { runAlternating, runAlternatingMany, type AlternatingConfig } from './alternating.ts';
import { runGenerator, type GeneratorConfig } from './generator.ts';

const controller = new AbortController();
const stop = () => controller.abort();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();

try {
  const mode = process.argv[2]?.startsWith('--') ? process.argv[2] : null;
  const config = JSON.parse(process.argv[mode ? 3 : 2] ?? '') as unknown;
  const result =
    mode === '--alternating'
      ? await runAlternating(config as AlternatingConfig, controller.signal)
      : mode === '--alternating-many'
        ? await runAlternatingMany(config as AlternatingConfig[], controller.signal)
        : await runGenerator(config as GeneratorConfig, controller.signal);
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exitCode = 0;
} catch (err) {
  process.stderr.write(`generator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
process.stdin.destroy();
