import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSwitchyard } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { silentLogger } from '../server/logger.ts';
import { testRegistry } from '../test/helpers/test-nodes.ts';
import { testRunners } from '../test/helpers/test-runners.ts';
const RUNS = 100, STEPS = 100;
const steps = Array.from({ length: STEPS }, (_, i) => `  - { id: s${i}, type: echo${i ? `, needs: [s${i - 1}]` : ''} }`).join('\n');
const dir = mkdtempSync(path.join(os.tmpdir(), 'prof-'));
const app = await createSwitchyard(loadConfig({ PORT: '0', DATA_DIR: dir, NODE_ENV: 'test', MAX_ACTIVE_RUNS: String(RUNS) }), { ui: false, log: silentLogger, registry: testRegistry(), runners: testRunners() });
const { workflows, versions, runs } = app.context;
await workflows.import(`apiVersion: switchyard/v1\nid: wide\nname: wide\nsteps:\n${steps}\n`);
await versions.publish('wide');
for (let r = 0; r < Number(process.env.ROUNDS ?? 4); r++) {
  const t0 = performance.now();
  const started = await Promise.all(Array.from({ length: RUNS }, () => runs.start({ workflowId: 'wide' })));
  await Promise.all(started.map((s) => runs.waitFor(s.runId)));
  console.log(`round ${r}: ${Math.round(RUNS * STEPS / ((performance.now() - t0) / 1000))} steps/s`);
}
await app.close();
