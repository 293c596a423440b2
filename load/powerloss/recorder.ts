import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The recorder's C source (an LD_PRELOAD shim), shipped with the package. */
export const RECORDER_SOURCE = resolve(import.meta.dirname, '..', '..', 'native', 'powerloss', 'recorder.c');

/**
 * The recorder's shared object, built on first use with the C compiler node-gyp already
 * needs (`$CC`, else `cc`), and cached by the hash of its source (LOADLAB_CACHE, else the
 * system's temp directory). Throws with the compiler's own words when it cannot be built.
 */
export function ensureRecorder(): string {
  const source = readFileSync(RECORDER_SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const dir = process.env.LOADLAB_CACHE ?? join(tmpdir(), 'loadlab-cache');
  const out = join(dir, `powerloss-recorder-${hash}.so`);
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const cc = process.env.CC ?? 'cc';
  try {
    execFileSync(cc, ['-shared', '-fPIC', '-O2', '-Wall', '-o', tmp, RECORDER_SOURCE, '-ldl', '-lpthread'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    const why = e.stderr?.toString().trim().split('\n').slice(-3).join(' ') || e.message.split('\n')[0];
    throw new Error(`cannot build the power-loss recorder with ${cc}: ${why}`);
  }
  renameSync(tmp, out);
  return out;
}
