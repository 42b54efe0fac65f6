// Publishes the event through ctx.emit; event triggers of other workflows react to it.
import { defineRunner } from '../../engine/nodes/define-node.ts';
import definition from './definition.ts';

export default defineRunner(definition, async (ctx, config) => {
  const payload = config.payload ?? {};
  await ctx.emit(config.event, payload);
  return { event: config.event, payload, summary: `emitted ${config.event}` };
});
