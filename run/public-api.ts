/**
 * What `import … from 'sqlite-loadlab'` gives a project that installed the package: the
 * config helper and the types of the files it reads.
 *   export default defineConfig({ customProfiles: { mine: { extends: 'tuned', pragmas: { cache_size: -200000 } } } });
 */
export { defineConfig } from './config-file.ts';
export type { ConfigFile, RunConfig } from '../lib/records/run-config.ts';
export type { ScenarioFileInput as ScenarioFile } from '../lib/records/scenario-file.ts';
