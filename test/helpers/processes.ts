// Whether a process has ended. A killed process whose parent died first is re-parented to
// PID 1; in containers whose PID 1 does not reap orphans it stays a zombie forever, so
// "gone" is ESRCH from kill(pid, 0) — or a zombie (state Z): it has exited, only its entry remains.
import { readFileSync } from 'node:fs';

export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …" — the state follows the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true;
  }
}
