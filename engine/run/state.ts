// Run and step state, as folded from the journal (./reducer.ts).
//
// Step states and transitions:
//   pending ──ready──► running ──► completed          (delay, gate: running ─► waiting ─► completed)
//      │                 │  └───► failed ──(retryAt set)──► retrying ──due──► running (attempt + 1)
//      │                 │                └─(final)────────► failed
//      │                 └──(process died, at_most_once)──► crashed
//      ├──(if false / every need dead / run ended)──► skipped
//      └──(run cancelled, or a losing join branch)──► cancelled   (running steps too)
// Run states: created → running ⇄ paused; running → completed | failed | cancelled.
// A cancel request keeps the run "cancelling" until no step is running.
import type { StepError } from './events.ts';

export type StepStatus = 'pending' | 'running' | 'waiting' | 'retrying' | 'completed' | 'failed' | 'skipped' | 'cancelled' | 'crashed';
export type RunStatus = 'created' | 'running' | 'paused' | 'cancelling' | 'compensating' | 'completed' | 'failed' | 'cancelled';

export const TERMINAL_STEP: ReadonlySet<StepStatus> = new Set(['completed', 'failed', 'skipped', 'cancelled', 'crashed']);
export const TERMINAL_RUN: ReadonlySet<RunStatus> = new Set(['completed', 'failed', 'cancelled']);

export interface StepState {
  step: string;
  iteration: string;
  status: StepStatus;
  /** Attempts started so far (0 before the first). */
  attempt: number;
  input?: unknown;
  output?: unknown;
  /** The output port that fired (condition: true/false; gate: approved/rejected; else out). */
  port?: string;
  error?: StepError;
  /** When a retrying step is due to start again (ISO). */
  retryAt?: string;
  skipReason?: string;
  /** A waiting delay or gate holds until this time (ISO); a gate escalates or times out then. */
  waitUntil?: string;
  waitReason?: 'delay' | 'gate' | 'escalated';
  /** Gate decisions, in order. */
  decisions?: { decision: 'approve' | 'reject'; by: string; comment?: string; at: string }[];
  /** A loop: the list it runs over, and how many iterations have started. */
  items?: unknown[];
  iterations?: number;
  /** One line about what the step did (see step.completed). */
  summary?: string;
  /** Set when the result was reused from an earlier run (retry, fork) instead of run here. */
  reusedFrom?: string;
  /** Journal position of completion: compensations run in reverse of it. */
  completedSeq?: number;
}

export interface RunState {
  status: RunStatus;
  versionId: string;
  inputs: Record<string, unknown>;
  vars: Record<string, unknown>;
  /** Status before a pause, restored on resume. */
  pausedFrom?: RunStatus;
  outputs?: Record<string, unknown>;
  error?: StepError;
  /** When the run times out (ISO), from the workflow's `timeout`. */
  deadline?: string;
  /** The failure that started compensation; the run fails with it once compensations end. */
  compensatingFor?: { step: string; error: StepError };
  /** Keyed by stepKey(step, iteration). */
  steps: Map<string, StepState>;
  /** Number of the last event folded in. */
  seq: number;
}

export function stepKey(step: string, iteration = ''): string {
  return iteration ? `${step}@${iteration}` : step;
}

export function isTerminalStep(s: StepState | undefined): boolean {
  return !!s && TERMINAL_STEP.has(s.status);
}
