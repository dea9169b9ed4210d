import { describe, expect, it } from 'vitest';
import { navigationAllowed, windowOpenRefusal } from './navigationPolicy.ts';

describe('where the window may go', () => {
  it('stays within the app pages', () => {
    expect(navigationAllowed('bleep://app/index.html')).toBe(true);
    expect(navigationAllowed('bleep://app/index.html#/rooms')).toBe(true);
  });

  it.each([
    'https://bleep.trust-a.nhs.uk/',
    'http://127.0.0.1:8008/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'bleep://app.evil.example/',
  ])('never goes to %s', (url) => {
    expect(navigationAllowed(url)).toBe(false);
  });

  it('opens no new window', () => {
    expect(windowOpenRefusal).toEqual({ action: 'deny' });
  });
});
