import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { lockOnSystemEvents } from './lockTriggers.ts';

describe('locking on what the OS says', () => {
  it('locks when the screen locks and when the machine suspends', () => {
    const powerMonitor = new EventEmitter();
    let locks = 0;
    lockOnSystemEvents(powerMonitor, () => {
      locks += 1;
    });
    powerMonitor.emit('lock-screen');
    expect(locks).toBe(1);
    powerMonitor.emit('suspend');
    expect(locks).toBe(2);
  });

  it('does not lock on resume, unlock or power changes', () => {
    const powerMonitor = new EventEmitter();
    let locks = 0;
    lockOnSystemEvents(powerMonitor, () => {
      locks += 1;
    });
    for (const event of ['resume', 'unlock-screen', 'on-ac', 'on-battery']) powerMonitor.emit(event);
    expect(locks).toBe(0);
  });
});
