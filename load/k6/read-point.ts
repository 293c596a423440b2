// k6 script for the 'read-point' scenario (load/scenarios.ts). Stock k6 >= 0.57 runs it unchanged:
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e SCALE=0.1 [-e SHAPE=average] [-e EXECUTOR=vus] load/k6/read-point.ts
import { scenarioScript } from './scenario-script.ts';

const script = scenarioScript('read-point');

export const options = script.options;
export const setup = script.setup;
export const handleSummary = script.handleSummary;
export default script.iteration;
