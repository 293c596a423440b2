/**
 * Process entry of the load generator: `node --import tsx load/generator-worker.ts '<config JSON>'`.
 * Runs autocannon (load/generator.ts) and prints one JSON line with the result. SIGTERM or
 * SIGINT stops the run early and still prints the partial result; a closed stdin (the parent
 * died) does the same, so the generator never outlives the runner.
 */
import { runGenerator, type GeneratorConfig } from './generator.ts';

const controller = new AbortController();
const stop = () => controller.abort();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();

try {
  const config = JSON.parse(process.argv[2] ?? '') as GeneratorConfig;
  const result = await runGenerator(config, controller.signal);
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exitCode = 0;
} catch (err) {
  process.stderr.write(`generator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
process.stdin.destroy();
