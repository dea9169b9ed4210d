import { describe, expect, it } from 'vitest';
import { runsAgainstLocalStack } from './localStack.ts';

describe('running against the local stack', () => {
  it('is on when npm run desktop says so in a development run', () => {
    expect(runsAgainstLocalStack({ BLEEP_DESKTOP_LOCAL_STACK: '1' }, false)).toBe(true);
  });

  it('is never on in a packaged build, whatever the environment says', () => {
    expect(runsAgainstLocalStack({ BLEEP_DESKTOP_LOCAL_STACK: '1' }, true)).toBe(false);
  });

  it('is off unless asked for exactly', () => {
    expect(runsAgainstLocalStack({}, false)).toBe(false);
    expect(runsAgainstLocalStack({ BLEEP_DESKTOP_LOCAL_STACK: 'true' }, false)).toBe(false);
    expect(runsAgainstLocalStack({ BLEEP_DESKTOP_LOCAL_STACK: '0' }, false)).toBe(false);
  });
});
