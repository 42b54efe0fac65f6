// GENERATED — do not edit; run npm run nodes:generate (scripts/gen-node-registry.ts).
// SERVER ONLY: every node run.ts, with its side effects. Never import this from app/.

import type { NodeRunner } from '../engine/nodes/define-node.ts';
import agentRunner from './agent/run.ts';
import emitRunner from './emit/run.ts';
import gitRunner from './git/run.ts';
import httpRunner from './http/run.ts';
import notifyRunner from './notify/run.ts';
import scriptRunner from './script/run.ts';
import transformRunner from './transform/run.ts';

export const nodeRunners: NodeRunner[] = [
  agentRunner,
  emitRunner,
  gitRunner,
  httpRunner,
  notifyRunner,
  scriptRunner,
  transformRunner,
];
