// What each journal event changes in the Run and RunStep rows. The rows are a query-friendly
// projection of the journal, written in the same transaction as the events they reflect.
import type { RunEvent } from '../../engine/run/events.ts';
import type { RunRowChange, StepRowChange } from './journal-types.ts';

const RUN_STATUS: Partial<Record<RunEvent['type'], string>> = {
  'run.started': 'running',
  'run.paused': 'paused',
  'run.resumed': 'running',
  'run.cancel_requested': 'cancelling',
  'run.compensating': 'compensating',
  'run.completed': 'completed',
  'run.failed': 'failed',
  'run.cancelled': 'cancelled',
};

export function rowChanges(events: RunEvent[], now: Date): { run?: RunRowChange; steps: StepRowChange[] } {
  let run: RunRowChange | undefined;
  const steps = new Map<string, StepRowChange>();
  const step = (id: string, iteration: string, change: Omit<StepRowChange, 'stepId' | 'iteration'>) => {
    const key = `${id}@${iteration}`;
    steps.set(key, { ...steps.get(key), stepId: id, iteration, ...change });
  };
  for (const e of events) {
    const status = RUN_STATUS[e.type];
    if (status) {
      run = { ...run, status };
      if (e.type === 'run.started') run.startedAt = now;
      if (e.type === 'run.completed') Object.assign(run, { outputs: e.outputs, finishedAt: now });
      if (e.type === 'run.failed') Object.assign(run, { error: e.error, finishedAt: now });
      if (e.type === 'run.cancelled') run.finishedAt = now;
      continue;
    }
    switch (e.type) {
      case 'step.started': step(e.step, e.iteration, { status: 'running', attempt: e.attempt, input: e.input, error: null, startedAt: now, finishedAt: null }); break;
      case 'step.completed': step(e.step, e.iteration, { status: 'completed', attempt: e.attempt, output: e.output, ...(e.input !== undefined ? { input: e.input } : {}), ...(e.summary !== undefined ? { summary: e.summary } : {}), finishedAt: now }); break;
      case 'step.reused': step(e.step, e.iteration, { status: 'completed', attempt: 0, output: e.output, finishedAt: now }); break;
      case 'step.failed': step(e.step, e.iteration, { status: e.retryAt ? 'retrying' : 'failed', attempt: e.attempt, error: e.error, ...(e.input !== undefined ? { input: e.input } : {}), ...(e.retryAt ? {} : { finishedAt: now }) }); break;
      case 'step.skipped': step(e.step, e.iteration, { status: 'skipped', finishedAt: now }); break;
      case 'step.cancelled': step(e.step, e.iteration, { status: 'cancelled', finishedAt: now }); break;
      case 'step.crashed': step(e.step, e.iteration, { status: 'crashed', attempt: e.attempt, finishedAt: now }); break;
      case 'step.waiting': step(e.step, e.iteration, { status: 'waiting' }); break;
      default: break;
    }
  }
  return { run, steps: [...steps.values()] };
}
