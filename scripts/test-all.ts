// `npm test`: the whole suite, in the order that fails fastest — typecheck, lint, unit,
// integration (SQLite and PostgreSQL), then the browser tests against a production build.
import { spawnSync } from 'node:child_process';
import { findChromium, howToGetChromium } from '../test/helpers/chromium.ts';
import { isBuildCurrent, root } from './build-stamp.ts';
import { build } from './build.ts';

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const timings: string[] = [];

function step(name: string, fn: () => void): void {
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  fn();
  timings.push(`${name.padEnd(28)} ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s`);
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`\n✖ ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

const bin = (name: string) => `${root}/node_modules/.bin/${name}`;

step('generated files are current', () => run('npm', ['run', '--silent', 'nodes:check']));
step('typecheck', () => run(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']));
step('lint', () => run(bin('eslint'), ['--max-warnings=0', '.']));
step('unit tests', () => run(bin('vitest'), ['run', '--project', 'unit']));
step('integration tests', () => run(bin('vitest'), ['run', '--project', 'integration']));

if (!findChromium()) {
  if (process.env.CI) {
    console.error(`\n✖ ${howToGetChromium}`);
    process.exit(1);
  }
  console.warn(`\n⚠ Browser tests NOT run. ${howToGetChromium}`);
} else {
  step('production build', () => { if (!isBuildCurrent()) build(); else console.log('up to date'); });
  step('browser tests (Chromium)', () => run(bin('playwright'), ['test']));
}

console.log(`\n✔ all passed\n${timings.join('\n')}`);
