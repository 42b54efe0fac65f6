// Schedule triggers: the cron expression parses (croner, 5 or 6 fields) and fires at least
// once in the future; the time zone is a known IANA zone. Trigger ids and the expressions in
// triggers are checked by ids.ts and expressions.ts.
import { Cron } from 'croner';
import type { Workflow } from '../../format/schema.ts';
import { finding, type Finding, type ValidateContext } from '../context.ts';
import { didYouMean } from '../suggest.ts';

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function knownZones(): string[] {
  try {
    return ['UTC', ...Intl.supportedValuesOf('timeZone')];
  } catch {
    return ['UTC'];
  }
}

const cleanCronError = (message: string) => message.replace(/^Cron\w*:\s*/, '').replace(/[.\s]+$/, '');

export function checkTriggers(workflow: Workflow, _ctx: ValidateContext): Finding[] {
  const out: Finding[] = [];
  (workflow.triggers ?? []).forEach((trigger, i) => {
    if (trigger.type !== 'schedule') return;
    const name = `Schedule trigger ${trigger.id ?? `triggers[${i}]`}`;
    const zoneOk = trigger.timezone === undefined || isValidTimeZone(trigger.timezone);
    if (!zoneOk) {
      out.push(finding('INVALID_TIMEZONE', {
        message: `${name} uses time zone "${trigger.timezone}", which is not a known IANA time zone.`,
        hint: `${didYouMean(trigger.timezone!, knownZones())}use a zone such as UTC, Europe/Berlin or America/New_York`,
        path: ['triggers', i, 'timezone'],
      }));
    }
    const cronHint = 'use 5 fields (minute hour day-of-month month day-of-week, e.g. "0 3 * * 1-5") or 6 with seconds first';
    const fields = trigger.cron.trim().split(/\s+/);
    if (fields.length !== 5 && fields.length !== 6) {
      out.push(finding('INVALID_CRON', {
        message: `${name} has cron expression "${trigger.cron}" with ${fields.length} field${fields.length === 1 ? '' : 's'}, but a cron expression has 5 or 6.`,
        hint: cronHint, path: ['triggers', i, 'cron'],
      }));
      return;
    }
    let job: Cron;
    try {
      // No callback: croner parses and can compute runs, but schedules nothing.
      job = new Cron(trigger.cron, { mode: '5-or-6-parts', ...(zoneOk && trigger.timezone ? { timezone: trigger.timezone } : {}) });
    } catch (error) {
      out.push(finding('INVALID_CRON', {
        message: `${name} has an invalid cron expression "${trigger.cron}": ${cleanCronError(error instanceof Error ? error.message : String(error))}.`,
        hint: cronHint, path: ['triggers', i, 'cron'],
      }));
      return;
    }
    let next: Date | null = null;
    try { next = job.nextRun(); } catch { next = null; }
    if (!next) {
      out.push(finding('CRON_NEVER_FIRES', {
        message: `${name} has cron expression "${trigger.cron}", which matches no future time, so it never fires.`,
        hint: 'check the day-of-month and month fields (e.g. 31 in a 30-day month, or 30 February)',
        path: ['triggers', i, 'cron'],
      }));
    }
  });
  return out;
}
