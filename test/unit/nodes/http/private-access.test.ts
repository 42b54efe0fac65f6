// The deployment's HTTP_ALLOW_PRIVATE and a step's allow_private, combined: the table in
// nodes/http/README.md.
import { describe, expect, it } from 'vitest';
import type { RunnerSettings } from '../../../../engine/nodes/define-node.ts';
import { privateAccess } from '../../../../nodes/http/client.ts';

const cases: [RunnerSettings['privateNetwork'], boolean | undefined, boolean][] = [
  ['allow', undefined, true], ['allow', true, true], ['allow', false, false],
  ['refuse', undefined, false], ['refuse', true, true], ['refuse', false, false],
  ['never', undefined, false], ['never', true, false], ['never', false, false],
];

describe('privateAccess', () => {
  it.each(cases)('server %s, step allow_private %s → allowed %s', (privateNetwork, step, allowed) => {
    const access = privateAccess({ privateNetwork }, step);
    expect(access.allowed).toBe(allowed);
    if (!allowed) expect(access.why).toMatch(privateNetwork === 'never' ? /HTTP_ALLOW_PRIVATE=never/ : step === false ? /allow_private: false/ : /HTTP_ALLOW_PRIVATE=false/);
  });
});
