// The live terminal view of a run, fed with journal entries in order.
//
// On a terminal: one line per step, redrawn in place — a symbol, a spinner while it runs, the
// attempt when it is not the first, how long it took — and a status line. Elsewhere (CI logs,
// pipes): one plain line per change, no escape codes. NO_COLOR turns colour off.
import type { JournalEntry } from './backend.ts';

type Status = 'pending' | 'running' | 'waiting' | 'retrying' | 'completed' | 'failed' | 'skipped' | 'cancelled' | 'crashed';

interface Row { key: string; status: Status; attempt: number; startedAt?: number; endedAt?: number; note?: string }

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const SYMBOL: Record<Status, string> = { pending: '·', running: '', waiting: '⏸', retrying: '↻', completed: '✓', failed: '✗', skipped: '–', cancelled: '⊘', crashed: '✗' };
const COLOUR: Partial<Record<Status, number>> = { completed: 32, failed: 31, crashed: 31, waiting: 33, retrying: 33, cancelled: 90, skipped: 90, running: 36 };

export interface ViewOptions { tty: boolean; colour: boolean; write(text: string): void; now?: () => number }

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

export class RunView {
  private readonly rows = new Map<string, Row>();
  private runStatus = 'queued';
  private drawn = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly title: string, steps: string[], private readonly opts: ViewOptions) {
    this.now = opts.now ?? Date.now;
    for (const key of steps) this.rows.set(key, { key, status: 'pending', attempt: 0 });
    if (opts.tty) {
      this.timer = setInterval(() => { this.frame++; this.draw(); }, 100);
      this.timer.unref();
      this.draw();
    } else {
      this.opts.write(`${title}\n`);
    }
  }

  private paint(status: Status | string, text: string): string {
    const code = COLOUR[status as Status];
    return this.opts.colour && code ? `\x1b[${code}m${text}\x1b[0m` : text;
  }

  private row(step: string, iteration: string): Row {
    const key = iteration ? `${step} #${iteration}` : step;
    let r = this.rows.get(key);
    if (!r) { r = { key, status: 'pending', attempt: 0 }; this.rows.set(key, r); }
    return r;
  }

  /** Applies one journal entry. */
  apply(e: JournalEntry): void {
    const p = e.payload as { step?: string; iteration?: string; attempt?: number; error?: { code: string; message: string }; reason?: string; retryAt?: string };
    const at = Date.parse(e.at);
    if (e.type.startsWith('run.')) {
      const status = { 'run.started': 'running', 'run.paused': 'paused', 'run.resumed': 'running', 'run.cancel_requested': 'cancelling', 'run.compensating': 'compensating', 'run.completed': 'completed', 'run.failed': 'failed', 'run.cancelled': 'cancelled' }[e.type];
      if (status) { this.runStatus = status; this.line(`run ${status}${p.error ? `: ${p.error.message}` : ''}`); }
      return;
    }
    if (!p.step) return;
    const r = this.row(p.step, p.iteration ?? '');
    const before = r.status;
    switch (e.type) {
      case 'step.started': Object.assign(r, { status: 'running', attempt: p.attempt ?? 1, startedAt: at, endedAt: undefined, note: undefined }); break;
      case 'step.completed': Object.assign(r, { status: 'completed', endedAt: at, note: (p as { summary?: string }).summary }); break;
      case 'step.reused': Object.assign(r, { status: 'completed', note: 'reused' }); break;
      case 'step.failed': Object.assign(r, { status: p.retryAt ? 'retrying' : 'failed', endedAt: at, note: p.error?.message }); break;
      case 'step.skipped': Object.assign(r, { status: 'skipped', note: p.reason }); break;
      case 'step.cancelled': Object.assign(r, { status: 'cancelled', endedAt: at }); break;
      case 'step.crashed': Object.assign(r, { status: 'crashed', endedAt: at }); break;
      case 'step.waiting': Object.assign(r, { status: 'waiting', note: (p as { reason?: string }).reason === 'delay' ? 'delay' : 'waiting for approval' }); break;
      default: return;
    }
    if (r.status !== before || e.type === 'step.started') this.line(this.describe(r));
  }

  private describe(r: Row): string {
    const symbol = r.status !== 'running' ? SYMBOL[r.status] : this.opts.tty ? SPINNER[this.frame % SPINNER.length]! : '▶';
    // A plain log line for a start says "running", not a duration that is not over yet.
    const open = !r.endedAt && !this.opts.tty;
    const took = r.startedAt && !open ? ` ${formatDuration((r.endedAt ?? this.now()) - r.startedAt)}` : '';
    const attempt = r.attempt > 1 ? ` (attempt ${r.attempt})` : '';
    const note = r.note ? `  ${r.note}` : '';
    return `${this.paint(r.status, `${symbol} ${r.key}`)}${r.status === 'pending' ? '' : `  ${r.status}`}${attempt}${took}${note}`;
  }

  /** Non-TTY: one line per change. TTY: redraw. */
  private line(text: string): void {
    if (this.opts.tty) { this.draw(); return; }
    this.opts.write(`${text}\n`);
  }

  private draw(): void {
    const lines = [this.title, ...[...this.rows.values()].map((r) => `  ${this.describe(r)}`), `  ${this.runStatus}`];
    const up = this.drawn ? `\x1b[${this.drawn}F\x1b[0J` : '';
    this.opts.write(up + lines.join('\n') + '\n');
    this.drawn = lines.length;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.opts.tty) this.draw();
  }
}
