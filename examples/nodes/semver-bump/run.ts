import { defineRunner } from '../../../engine/nodes/define-node.ts';
import { bumpVersion } from './bump.ts';
import definition from './definition.ts';

export default defineRunner(definition, async (ctx, config) => {
  const version = bumpVersion(config.current, config.bump, config.preid);
  if (!version) {
    throw { code: 'NOT_SEMVER', retryable: false, message: `"${config.current}" is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.4.2); fix \`current\` in step ${ctx.stepId}.` };
  }
  ctx.log(`${config.current} → ${version}`);
  return { version, previous: config.current, summary: `${config.current} → ${version}` };
});
