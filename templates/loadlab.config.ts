// loadlab.config.ts: read by `npx loadlab run`, `bench`, `load`, `capacity`, `ab` and
// `profiles` from this directory. Every key is optional and overrides the preset (--quick
// or --full); a typo is an error. Reference: node_modules/sqlite-loadlab/docs/run-report-ci.md
import { defineConfig } from 'sqlite-loadlab';

export default defineConfig({
  // Your settings as a profile of their own, measured beside the built-in ones.
  customProfiles: {
    mine: {
      extends: 'tuned',
      pragmas: { cache_size: -200000 },
    },
  },
  profiles: ['untuned', 'tuned', 'mine'],
});
