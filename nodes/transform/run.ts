import { defineRunner } from '../../engine/nodes/define-node.ts';
import definition from './definition.ts';

// The engine has already rendered every template in the config: the outputs are ready.
export default defineRunner(definition, async (_ctx, config) => ({ ...config.outputs }));
