// GENERATED — do not edit; run npm run nodes:generate (scripts/gen-node-registry.ts).
// Every node definition: metadata, ports and config schemas. Safe to import in the browser.

import { createNodeRegistry, type NodeDefinition } from '../engine/nodes/define-node.ts';
import agentDefinition from './agent/definition.ts';
import conditionDefinition from './condition/definition.ts';
import delayDefinition from './delay/definition.ts';
import emitDefinition from './emit/definition.ts';
import gateDefinition from './gate/definition.ts';
import gitDefinition from './git/definition.ts';
import httpDefinition from './http/definition.ts';
import joinDefinition from './join/definition.ts';
import loopDefinition from './loop/definition.ts';
import notifyDefinition from './notify/definition.ts';
import parallelDefinition from './parallel/definition.ts';
import scriptDefinition from './script/definition.ts';
import subworkflowDefinition from './subworkflow/definition.ts';
import transformDefinition from './transform/definition.ts';

export const nodeDefinitions: NodeDefinition[] = [
  agentDefinition,
  conditionDefinition,
  delayDefinition,
  emitDefinition,
  gateDefinition,
  gitDefinition,
  httpDefinition,
  joinDefinition,
  loopDefinition,
  notifyDefinition,
  parallelDefinition,
  scriptDefinition,
  subworkflowDefinition,
  transformDefinition,
];

export const nodeRegistry = createNodeRegistry(nodeDefinitions);
