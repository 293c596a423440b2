// k6 script for a scenario file (`loadlab load --scenario-file FILE --engine k6`). The runner
// writes the file's resolved contents (CSV columns read) and passes their path:
//   k6 run -e BASE_URL=http://127.0.0.1:3000 -e SCENARIO_JSON=/path/resolved.json load/k6/scenario-file.ts
import { buildUserScenario, type ResolvedScenarioFile } from '../user-scenario/build.ts';
import { scenarioScript } from './scenario-script.ts';

const specPath = __ENV.SCENARIO_JSON;
if (!specPath) throw new Error('set -e SCENARIO_JSON=FILE (the resolved scenario file)');
const spec = JSON.parse(open(specPath)) as ResolvedScenarioFile;
const script = scenarioScript(buildUserScenario(spec, specPath));

export const options = script.options;
export const setup = script.setup;
export const handleSummary = script.handleSummary;
export default script.iteration;
