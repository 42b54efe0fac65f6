// The step graph, built once per validation and shared by every check.
//
// A workflow is a tree of scopes: the top-level steps, and the body of every container step
// (loop), recursively. `needs` edges connect steps of the same scope only; ids are global
// (expressions address steps.<id> from anywhere). Per scope we compute the resolved edges,
// a topological order (Kahn), the cycles (Tarjan's strongly connected components), the steps
// that cannot run because of a cycle, and ancestor sets as bit sets in topological order.
import type { DocPath } from '../diagnostics.ts';
import type { Step, Workflow } from '../format/schema.ts';
import { Bitset } from './bitset.ts';

export interface ParsedNeed {
  step: string;
  port?: string;
}

/** "check.true" → { step: 'check', port: 'true' }; "build" → { step: 'build' }. */
export function parseNeed(need: string): ParsedNeed {
  const dot = need.indexOf('.');
  return dot < 0 ? { step: need } : { step: need.slice(0, dot), port: need.slice(dot + 1) };
}

export interface StepEntry {
  step: Step;
  /** ['steps', 2] or, in a loop body, ['steps', 2, 'steps', 0]. */
  path: DocPath;
  scope: Scope;
  /** Position in scope.entries. */
  index: number;
  /** Position in graph.entries (document order, depth first). */
  order: number;
  /** The body, when the step has `steps:` (whether or not its type is a container). */
  body?: Scope;
}

export interface Scope {
  /** The container step whose body this is; undefined for the top level. */
  owner?: StepEntry;
  entries: StepEntry[];
  /** First step with each id in this scope. */
  byId: Map<string, StepEntry>;
  /** Resolved `needs` per entry: indexes into entries, deduplicated, self and unknown ids left out. */
  upstream: number[][];
  downstream: number[][];
  /** Topological order of the steps that are neither in a cycle nor downstream of one. */
  topo: number[];
  /** Transitive upstream steps per entry; undefined for steps not in `topo`. */
  ancestors: (Bitset | undefined)[];
  /** One concrete cycle per strongly connected component, as entry indexes, starting at the component's first step in document order. */
  cycles: { path: number[]; members: number[] }[];
  inCycle: Set<number>;
  /** Not in a cycle, but cannot run because what it waits for is (see WaitRule). */
  blocked: Set<number>;
}

/** How many of its needs a step waits for; a join may wait for any, or n of them. */
export type WaitRule = { mode: 'all' } | { mode: 'any' } | { mode: 'n'; count: number };

export interface WorkflowGraph {
  top: Scope;
  scopes: Scope[];
  /** Every step, in document order (depth first). */
  entries: StepEntry[];
  /** Every step carrying an id, duplicates included. */
  byId: Map<string, StepEntry[]>;
  /**
   * Does `x` complete before `s` starts? True when x (or the container holding x) is a
   * transitive need of s, or of a container that holds s. Undefined when s's ancestry is
   * unknown because it sits in or after a cycle.
   */
  isUpstream(x: StepEntry, s: StepEntry): boolean | undefined;
  /** Is x inside container's body (at any depth)? */
  contains(container: StepEntry, x: StepEntry): boolean;
}

export function buildGraph(workflow: Workflow, waitRule: (entry: StepEntry) => WaitRule = () => ({ mode: 'all' })): WorkflowGraph {
  const entries: StepEntry[] = [];
  const byId = new Map<string, StepEntry[]>();
  const scopes: Scope[] = [];

  const makeScope = (steps: Step[], basePath: DocPath, owner: StepEntry | undefined): Scope => {
    const scope: Scope = {
      owner, entries: [], byId: new Map(), upstream: [], downstream: [], topo: [], ancestors: [], cycles: [], inCycle: new Set(), blocked: new Set(),
    };
    scopes.push(scope);
    steps.forEach((step, i) => {
      const entry: StepEntry = { step, path: [...basePath, 'steps', i], scope, index: i, order: entries.length };
      scope.entries.push(entry);
      entries.push(entry);
      if (!scope.byId.has(step.id)) scope.byId.set(step.id, entry);
      const list = byId.get(step.id);
      if (list) list.push(entry);
      else byId.set(step.id, [entry]);
      if (step.steps) entry.body = makeScope(step.steps, entry.path, entry);
    });
    analyseScope(scope, waitRule);
    return scope;
  };

  const top = makeScope(workflow.steps, [], undefined);

  const representative = (x: StepEntry, scope: Scope): StepEntry | undefined => {
    let r: StepEntry | undefined = x;
    while (r && r.scope !== scope) r = r.scope.owner;
    return r;
  };

  return {
    top, scopes, entries, byId,
    isUpstream(x, s) {
      let unknown = false;
      for (let cur: StepEntry | undefined = s; cur; cur = cur.scope.owner) {
        const rep = representative(x, cur.scope);
        if (!rep || rep === cur) continue;
        const anc = cur.scope.ancestors[cur.index];
        if (!anc) { unknown = true; continue; }
        if (anc.has(rep.index)) return true;
      }
      return unknown ? undefined : false;
    },
    contains(container, x) {
      for (let r = x.scope.owner; r; r = r.scope.owner) if (r === container) return true;
      return false;
    },
  };
}

function analyseScope(scope: Scope, waitRule: (entry: StepEntry) => WaitRule): void {
  const n = scope.entries.length;
  for (const entry of scope.entries) {
    const ups = new Set<number>();
    for (const need of entry.step.needs ?? []) {
      const target = scope.byId.get(parseNeed(need).step);
      if (target && target !== entry) ups.add(target.index);
    }
    scope.upstream.push([...ups]);
    scope.downstream.push([]);
  }
  scope.upstream.forEach((ups, i) => { for (const u of ups) scope.downstream[u]!.push(i); });

  // Kahn: what can be ordered is acyclic and not downstream of a cycle.
  const indegree = scope.upstream.map((u) => u.length);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) queue.push(i);
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head]!;
    scope.topo.push(i);
    for (const d of scope.downstream[i]!) if (--indegree[d]! === 0) queue.push(d);
  }
  scope.ancestors = new Array<Bitset | undefined>(n).fill(undefined);
  for (const i of scope.topo) {
    const anc = new Bitset(n);
    for (const p of scope.upstream[i]!) { anc.union(scope.ancestors[p]!); anc.add(p); }
    scope.ancestors[i] = anc;
  }
  if (scope.topo.length === n) return;

  const ordered = new Set(scope.topo);
  const rest = scope.entries.map((e) => e.index).filter((i) => !ordered.has(i));
  for (const component of stronglyConnected(rest, scope.downstream)) {
    if (component.length < 2) continue;
    const members = [...component].sort((a, b) => a - b);
    for (const m of members) scope.inCycle.add(m);
    scope.cycles.push({ path: shortestCycle(members, scope.downstream), members });
  }
  scope.cycles.sort((a, b) => a.path[0]! - b.path[0]!);

  // Fixed point: a step is blocked when too few of its needs can ever complete.
  const stuck = (i: number) => scope.inCycle.has(i) || scope.blocked.has(i);
  for (let changed = true; changed;) {
    changed = false;
    for (const i of rest) {
      if (stuck(i)) continue;
      const ups = scope.upstream[i]!;
      const live = ups.filter((u) => !stuck(u)).length;
      const rule = waitRule(scope.entries[i]!);
      const needed = rule.mode === 'all' ? ups.length : rule.mode === 'any' ? Math.min(1, ups.length) : Math.min(rule.count, ups.length);
      if (live < needed) { scope.blocked.add(i); changed = true; }
    }
  }
}

/** Tarjan's algorithm, iterative (a 2,000-step chain must not overflow the stack). */
function stronglyConnected(nodes: number[], next: number[][]): number[][] {
  const inSet = new Set(nodes);
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { v: number; edge: number }[] = [{ v: root, edge: 0 }];
    index.set(root, counter); low.set(root, counter); counter++;
    stack.push(root); onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      const edges = next[frame.v]!;
      if (frame.edge < edges.length) {
        const w = edges[frame.edge++]!;
        if (!inSet.has(w)) continue;
        if (!index.has(w)) {
          index.set(w, counter); low.set(w, counter); counter++;
          stack.push(w); onStack.add(w);
          work.push({ v: w, edge: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.v, Math.min(low.get(frame.v)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(frame.v)!));
      if (low.get(frame.v) === index.get(frame.v)) {
        const component: number[] = [];
        let w: number;
        do { w = stack.pop()!; onStack.delete(w); component.push(w); } while (w !== frame.v);
        out.push(component);
      }
    }
  }
  return out;
}

/** The shortest cycle through the component's first member, following edges downstream. */
function shortestCycle(members: number[], next: number[][]): number[] {
  const start = members[0]!;
  const inComponent = new Set(members);
  const prev = new Map<number, number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const w of next[v]!) {
      if (!inComponent.has(w)) continue;
      if (w === start) {
        const path = [v];
        for (let p = prev.get(v); p !== undefined; p = prev.get(p)) path.push(p);
        return path.reverse();
      }
      if (!prev.has(w) && w !== start) { prev.set(w, v); queue.push(w); }
    }
  }
  return [start];
}
