import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { tempDir } from '../../test-support/temp-dir.ts';
import { ScenarioFile } from '../../lib/records/scenario-file.ts';
import { main } from '../cli.ts';

const tmp = tempDir('loadlab-init-');
afterAll(() => tmp.cleanup());

async function loadlab(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((stdout += String(c)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c) => ((stderr += String(c)), true));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('loadlab init', () => {
  it('writes the three starter files, each valid, and never overwrites without --force', async () => {
    const dir = join(tmp.dir, 'app');
    mkdirSync(dir);
    const r = await loadlab('init', '--dir', dir);
    expect(r.code, r.stderr).toBe(0);
    const workflow = readFileSync(join(dir, '.github/workflows/perf.yml'), 'utf8');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(validateWorkflow(workflow).errors).toEqual([]);
    } finally {
      warn.mockRestore();
    }
    expect(ScenarioFile.safeParse(JSON.parse(readFileSync(join(dir, 'loadlab.scenario.json'), 'utf8'))).success).toBe(
      true,
    );
    expect(readFileSync(join(dir, 'loadlab.config.ts'), 'utf8')).toContain("from 'sqlite-loadlab'");

    writeFileSync(join(dir, 'loadlab.config.ts'), '// mine\n');
    const again = await loadlab('init', '--dir', dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: .*already exist: nothing written \(--force overwrites\)\n$/);
    expect(readFileSync(join(dir, 'loadlab.config.ts'), 'utf8')).toBe('// mine\n');
    expect((await loadlab('init', '--dir', dir, '--force')).code).toBe(0);
    expect(readFileSync(join(dir, 'loadlab.config.ts'), 'utf8')).toContain('defineConfig');
  });

  it('refuses a directory that does not exist', async () => {
    const r = await loadlab('init', '--dir', join(tmp.dir, 'nope'));
    expect(r).toMatchObject({ code: 2 });
    expect(r.stderr).toMatch(/--dir: .* is not a directory/);
  });

  /** init in a fresh project holding `files`; the workflow it wrote, validated and parsed. */
  async function workflowFor(name: string, files: Record<string, string>) {
    const dir = join(tmp.dir, name);
    mkdirSync(dir);
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
    const r = await loadlab('init', '--dir', dir);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(dir, '.github/workflows/perf.yml'), 'utf8');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(validateWorkflow(text).errors).toEqual([]);
    } finally {
      warn.mockRestore();
    }
    expect(text).not.toMatch(/__[A-Z_]+__/);
    type Step = { uses?: string; run?: string; name?: string; if?: string; with?: Record<string, unknown> };
    type Job = { if: string; permissions: Record<string, string>; steps: Step[] };
    const wf = parse(text) as {
      on: Record<string, any>;
      concurrency: { group: string; 'cancel-in-progress': string };
      jobs: Record<string, Job>;
    };
    return { text, wf, stdout: r.stdout };
  }

  it('a project with a pnpm lockfile gets a workflow that installs and runs with pnpm', async () => {
    const { text, wf, stdout } = await workflowFor('pnpm-app', { 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" });
    expect(stdout).toContain('installs with pnpm: pnpm-lock.yaml');
    for (const job of Object.values(wf.jobs)) {
      const uses = job.steps.map((s) => s.uses ?? s.run ?? '');
      const setup = uses.findIndex((u) => u.startsWith('pnpm/action-setup'));
      const node = uses.findIndex((u) => u.startsWith('actions/setup-node'));
      expect(setup).toBeGreaterThanOrEqual(0);
      expect(setup).toBeLessThan(node); // pnpm first: setup-node's pnpm cache needs it
      expect(job.steps[node]!.with!.cache).toBe('pnpm');
      expect(uses).toContain('pnpm install --frozen-lockfile');
      expect(uses.some((u) => u.startsWith('npm ci'))).toBe(false);
    }
    expect(text).toContain('pnpm exec loadlab ab ');
    expect(text).not.toMatch(/\bnpx\b/);
    expect(wf.on.pull_request.paths).toContain('pnpm-lock.yaml');
  });

  it('yarn 1 and yarn 2+ lockfiles install with yarn; no lockfile means npm ci', async () => {
    const classic = await workflowFor('yarn1', { 'yarn.lock': '# yarn lockfile v1\n' });
    expect(classic.text).toContain('run: yarn install --frozen-lockfile');
    const berry = await workflowFor('yarn4', { 'yarn.lock': '__metadata:\n  version: 8\n' });
    expect(berry.text).toContain('run: yarn install --immutable');
    expect(berry.text).toContain('- run: corepack enable');
    const npm = await workflowFor('npm-app', {});
    expect(npm.text).toContain('run: npm ci --no-audit --no-fund');
    expect(npm.text).toContain('npx loadlab ab ');
  });

  it('the workflow: PRs, a monthly schedule and a quick/full dispatch; the sticky comment; history on a data branch; schedules never cancelled', async () => {
    const { wf, text } = await workflowFor('shape', {});
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'schedule', 'workflow_dispatch']);
    expect(wf.on.schedule[0].cron).toMatch(/^\S+ \S+ 1 \* \*$/);
    expect(wf.on.workflow_dispatch.inputs.mode).toMatchObject({ type: 'choice', options: ['quick', 'full'] });
    expect(text).toMatch(/GitHub pauses scheduled workflows .* 60 days/);
    // Concurrency: only a pull request's own newer run cancels it.
    expect(wf.concurrency.group).toContain('github.event_name');
    expect(wf.concurrency['cancel-in-progress']).toBe("${{ github.event_name == 'pull_request' }}");
    const ab = wf.jobs.ab!;
    expect(ab.permissions['pull-requests']).toBe('write');
    const sticky = ab.steps.find((s) => s.uses?.startsWith('actions/github-script'))!;
    expect(String(sticky.with!.script)).toContain('updateComment');
    expect(ab.steps.some((s) => /fork/.test(s.if ?? '') && /STEP_SUMMARY/.test(s.run ?? ''))).toBe(true);
    // The base branch's config against the PR's, each whole (no shared config file).
    const gate = ab.steps.find((s) => s.name?.startsWith('Interleaved A/B'))!;
    expect(gate.run).toMatch(
      /loadlab ab .* --no-config --changed-profiles\s*\\\s*--baseline-config \.loadlab-base\/loadlab\.config\.ts --candidate-config loadlab\.config\.ts/,
    );
    // The scenario file is run when a service is configured, and says so when not.
    const service = ab.steps.find((s) => s.run?.includes('--scenario-file loadlab.scenario.json'))!;
    expect(service.if).toContain("hashFiles('loadlab.scenario.json')");
    expect(service.run).toContain('SERVICE_START is empty');
    const monthly = wf.jobs.monthly!;
    expect(monthly.permissions.contents).toBe('write');
    const record = monthly.steps.find((s) => s.name?.includes('perf-data'))!;
    expect(record.run).toContain('git -C "$data" push origin "HEAD:refs/heads/$DATA_BRANCH"');
    expect(monthly.steps.some((s) => /loadlab trend /.test(s.run ?? ''))).toBe(true);
  });
});
