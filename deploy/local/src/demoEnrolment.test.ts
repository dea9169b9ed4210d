import { describe, expect, it } from 'vitest';
import { enrolmentCodeIn, nextDemoDeviceId } from './demoEnrolment.ts';

describe('nextDemoDeviceId', () => {
  it('starts at DEMO-1 when no demo desktop was ever enrolled', () => {
    expect(nextDemoDeviceId('No devices are enrolled.\n')).toBe('DEMO-1');
    expect(
      nextDemoDeviceId(
        'DEVICE ID     LABEL  STATE     ENROLLED AT  LAST LOGIN\nWARD12-PC03   Ward   enrolled  2026-11-28   -\n',
      ),
    ).toBe('DEMO-1');
  });

  it('takes the number after the highest demo id, pending or enrolled, so an earlier printed code keeps working', () => {
    const table = [
      'DEVICE ID  LABEL                     STATE     ENROLLED AT           LAST LOGIN',
      'DEMO-1     Demo desktop (npm start)  enrolled  2026-11-28 18:00 UTC  2026-11-28 18:01 UTC',
      'DEMO-10    Demo desktop (npm start)  pending   -                     -',
      'DEMO-9     Demo desktop (npm start)  revoked   2026-11-27 10:00 UTC  -',
      'DEMO-2X    someone else              pending   -                     -',
      'XDEMO-40   someone else              pending   -                     -',
    ].join('\n');
    expect(nextDemoDeviceId(table)).toBe('DEMO-11');
  });
});

describe('enrolmentCodeIn', () => {
  it("finds the code on enrol-device's own line", () => {
    const output = [
      'Enrolment code for DEMO-3 (Demo desktop (npm start)):',
      '',
      '    7K2M-9QXR-D4HT-0WPN',
      '',
      'Enter it in Bleep on that computer before 2026-12-01 18:00 UTC. It works once.',
    ].join('\n');
    expect(enrolmentCodeIn(output)).toBe('7K2M-9QXR-D4HT-0WPN');
  });

  it('finds nothing in an answer without a code', () => {
    expect(enrolmentCodeIn('DEMO-3: already enrolled (DEVICE_ALREADY_ENROLLED)\n')).toBeUndefined();
  });
});
