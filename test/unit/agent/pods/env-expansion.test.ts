import assert from 'node:assert/strict';
import { expandVars } from '../../../../agent/pods/env-expansion';

describe('$(VAR) expansion', () => {
  const vars: Record<string, string> = { A: 'alpha', IP: '10.42.0.5' };
  const lookup = (n: string): string | undefined => vars[n];
  const cases: [string, string][] = [
    ['plain', 'plain'],
    ['$(A)', 'alpha'],
    ['--ip=$(IP):80', '--ip=10.42.0.5:80'],
    ['$(MISSING) stays', '$(MISSING) stays'],
    ['$$(A) is escaped', '$(A) is escaped'],
    ['$$ is one dollar', '$ is one dollar'],
    ['a lone $ stays', 'a lone $ stays'],
    ['trailing $', 'trailing $'],
    ['unclosed $(A', 'unclosed $(A'],
    ['$(A)$(A)', 'alphaalpha'],
    ['$()', '$()'],
  ];
  for (const [input, want] of cases) it(`expands ${JSON.stringify(input)}`, () => assert.equal(expandVars(input, lookup), want));
});
