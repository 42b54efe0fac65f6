import { describe, expect, it } from 'vitest';
import { splitCommand } from '../../../../nodes/agent/split-command.ts';

describe('splitCommand (cli: custom, no shell)', () => {
  it('splits words as a shell would: quotes, escapes, runs of blanks', () => {
    expect(splitCommand('aider --yes  --message-file /dev/stdin')).toEqual(['aider', '--yes', '--message-file', '/dev/stdin']);
    expect(splitCommand(`a 'b c' "d e" f\\ g "" ''`)).toEqual(['a', 'b c', 'd e', 'f g', '', '']);
    expect(splitCommand(`x"y"'z' "a\\"b\\\\c\\$d" 'it''s'`)).toEqual(['xyz', 'a"b\\c$d', 'its']);
    expect(splitCommand(`bash -c 'my-agent | tee out.log'`)).toEqual(['bash', '-c', 'my-agent | tee out.log']);
    expect(splitCommand('run a#b x~y')).toEqual(['run', 'a#b', 'x~y']);
  });

  it('refuses what only a shell would give meaning to, and says how to fix it', () => {
    for (const bad of ['a | b', 'a && b', 'a; b', 'a > out', 'echo $HOME', 'echo `id`', 'ls *.ts', '~/bin/agent', 'a #comment', 'echo "$(id)"']) {
      expect(splitCommand(bad), bad).toEqual(expect.stringMatching(/shell/));
    }
    expect(splitCommand(`a 'b`)).toBe('a single quote is not closed');
    expect(splitCommand('a "b')).toBe('a double quote is not closed');
    expect(splitCommand('a \\')).toBe('the command ends with a lone backslash');
    expect(splitCommand('   ')).toBe('the command is empty');
  });
});
