import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it, vi } from 'vitest';
import { parse, parseDocument } from 'yaml';

const WORKFLOW = fileURLToPath(new URL('../.github/workflows/perf.yml', import.meta.url));
const source = readFileSync(WORKFLOW, 'utf8');

type Step = { name?: string; id?: string; uses?: string; if?: string; run?: string; with?: Record<string, unknown> };
type Job = { if?: string; permissions?: Record<string, string>; steps: Step[] };
type Workflow = {
  on: {
    pull_request: { paths?: string[] };
    workflow_dispatch: { inputs: Record<string, { type?: string; options?: string[]; default?: string }> };
  };
  concurrency: { group: string; 'cancel-in-progress': unknown };
  jobs: Record<string, Job>;
};
const workflow = parse(source) as Workflow;
const jobs = Object.entries(workflow.jobs);
const steps = jobs.flatMap(([, job]) => job.steps);

/**
 * The lowest major version each action may be pinned to: the first line whose action.yml says
 * `using: node24` (upload-artifact v4/v5 and download-artifact v5/v6 still declare node20).
 */
const MIN_MAJOR: Record<string, number> = {
  'actions/checkout': 5,
  'actions/setup-node': 5,
  'actions/upload-artifact': 6,
  'actions/download-artifact': 7,
  'actions/github-script': 8,
};

describe('.github/workflows/perf.yml', () => {
  it('parses as YAML without errors or warnings', () => {
    const doc = parseDocument(source);
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
  });

  it('validates against the GitHub workflow JSON schema (action-validator, offline WASM)', () => {
    // The validator warns that it cannot check `paths` globs; that is not a finding.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(validateWorkflow(source).errors).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  it('groups concurrency by event, cancelling in progress only for pull requests', () => {
    expect(workflow.concurrency.group).toContain('github.event_name');
    const cancel = workflow.concurrency['cancel-in-progress'];
    expect(cancel).not.toBe(true);
    expect(cancel).toMatch(/^\$\{\{.*pull_request.*\}\}$/);
  });

  it('names every artifact uniquely per run attempt', () => {
    const uploads = steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(uploads.length).toBeGreaterThan(0);
    for (const step of uploads) {
      expect(String(step.with?.name)).toContain('github.run_id');
      expect(String(step.with?.name)).toContain('github.run_attempt');
    }
  });

  it('offers mode as a choice of quick or full', () => {
    const mode = workflow.on.workflow_dispatch.inputs.mode;
    expect(mode?.type).toBe('choice');
    expect(mode?.options).toEqual(['quick', 'full']);
    expect(mode?.default).toBe('quick');
  });

  it('pins every action to a major version at or above the current one', () => {
    const used = steps.flatMap((s) => (s.uses ? [s.uses] : []));
    expect(used.length).toBeGreaterThan(0);
    for (const uses of used) {
      const match = /^([\w.-]+\/[\w.-]+)@v(\d+)$/.exec(uses);
      expect(match, `${uses} is not pinned as owner/name@vN`).not.toBeNull();
      const [, action = '', major = '0'] = match!;
      expect(MIN_MAJOR[action], `${action} has no minimum in MIN_MAJOR`).toBeDefined();
      expect(Number(major), uses).toBeGreaterThanOrEqual(MIN_MAJOR[action]!);
    }
  });

  it('sets up Node 22 or later with the npm cache keyed on both lockfiles', () => {
    const setups = steps.filter((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(setups.length).toBeGreaterThan(0);
    for (const step of setups) {
      expect(Number(step.with?.['node-version'])).toBeGreaterThanOrEqual(22);
      expect(step.with?.cache).toBe('npm');
    }
    const quickSetup = workflow.jobs.quick?.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(String(quickSetup?.with?.['cache-dependency-path'])).toMatch(
      /candidate\/package-lock\.json[\s\S]*baseline\/package-lock\.json/,
    );
  });

  it('may write pull-request comments, and contents only in the job that pushes perf-data', () => {
    expect(jobs.some(([, job]) => job.permissions?.['pull-requests'] === 'write')).toBe(true);
    const writers = jobs.filter(([, job]) => job.permissions?.contents === 'write').map(([name]) => name);
    const pushers = jobs
      .filter(([, job]) => job.steps.some((s) => s.run?.includes('perf-data') || s.run?.includes('DATA_BRANCH')))
      .map(([name]) => name);
    expect(writers).toEqual(pushers);
  });

  it('runs on pull requests only when code, dependencies or this workflow change', () => {
    const paths = workflow.on.pull_request.paths ?? [];
    expect(paths).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'bin/**', '.github/workflows/perf.yml']),
    );
    expect(paths).toEqual(expect.arrayContaining(['ab/**', 'lib/**', 'load/**', 'reports/**']));
    expect(paths.some((p) => p.startsWith('docs'))).toBe(false);
    expect(paths.at(-1)).toBe('!**/*.md');
  });

  it('keeps each measurement exit code and fails the job only in a last step, after the reports', () => {
    for (const [name, job] of jobs) {
      const measuring = job.steps.filter((s) => s.run?.includes('exit-code=$?'));
      expect(measuring.length, name).toBeGreaterThan(0);
      for (const step of measuring) expect(step.run, name).toMatch(/^set \+e$/m);
      const last = job.steps.at(-1);
      expect(last?.if, name).toMatch(/always\(\)|!cancelled\(\)/);
      for (const step of measuring) expect(JSON.stringify(last), name).toContain(`steps.${step.id}.outputs.exit-code`);
    }
  });

  it('updates one sticky PR comment by a hidden marker, with the summary as the fork fallback', () => {
    const comment = steps.find((s) => s.uses?.startsWith('actions/github-script@'));
    const script = String(comment?.with?.script);
    expect(script).toContain('<!--');
    expect(script).toContain('updateComment');
    expect(comment?.if).toContain('github.event.pull_request.head.repo.fork');
    const fallback = steps.find((s) => s.if?.includes(`steps.${comment?.id}.outcome == 'failure'`));
    expect(fallback?.run).toContain('$GITHUB_STEP_SUMMARY');
  });

  it('records the monthly results.json in the perf-data branch and trends over its runs/', () => {
    const monthly = workflow.jobs.monthly?.steps ?? [];
    const record = monthly.find((s) => s.run?.includes('git worktree add'));
    expect(record?.run).toContain('--orphan');
    expect(record?.run).toMatch(/runs\/\$\(date -u \+%Y-%m-%d\)-/);
    expect(record?.run).toContain('results.json');
    expect(monthly.some((s) => /loadlab trend .*runs\/\*/.test(s.run ?? ''))).toBe(true);
  });
});
