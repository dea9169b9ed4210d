import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '../stores/timelineSlice.ts';
import { notificationFor } from './notificationContent.ts';
import { decryptedMessage } from '../stores/timelineItem.testkit.ts';

const roomId = '!ward:trust-a.example';

function message(change: Partial<TimelineItem> = {}): TimelineItem {
  return decryptedMessage({
    id: '$1',
    roomId,
    sender: '@amelia.hart:trust-a.example',
    sentAt: 1,
    body: 'Mrs Crawley bed 4: potassium 6.1',
    patient: { nhsNumber: '9434765919', filedAt: null },
    ...change,
  });
}

const context = { senderName: 'Dr Amelia Hart', roomName: 'Ward 12' };

describe('a notification worded as the policy allows', () => {
  it("'none' (the default) shows neither the sender nor the text nor the room, only that a message came", () => {
    const shown = notificationFor(message(), { ...context, content: 'none' });
    expect(shown).toEqual({ title: 'Bleep', body: 'New message', roomId });
    expect(notificationFor(message({ urgent: true }), { ...context, content: 'none' }).body).toBe(
      'New urgent message',
    );
  });

  it('an unknown policy (not loaded) words it as none', () => {
    expect(notificationFor(message(), { ...context, content: null })).toEqual({
      title: 'Bleep',
      body: 'New message',
      roomId,
    });
  });

  it("'sender' shows who sent it, never the text or the room", () => {
    const shown = notificationFor(message(), { ...context, content: 'sender' });
    expect(shown).toEqual({ title: 'Dr Amelia Hart', body: 'New message', roomId });
    expect(JSON.stringify(shown)).not.toMatch(/Crawley|Ward 12/);
  });

  it("'full' shows who, where and the text, but never the patient tag", () => {
    expect(notificationFor(message(), { ...context, content: 'full' })).toEqual({
      title: 'Dr Amelia Hart in Ward 12',
      body: 'Mrs Crawley bed 4: potassium 6.1',
      roomId,
    });
    const direct = notificationFor(message({ urgent: true }), {
      ...context,
      roomName: null,
      content: 'full',
    });
    expect(direct).toEqual({
      title: 'Dr Amelia Hart',
      body: 'Urgent: Mrs Crawley bed 4: potassium 6.1',
      roomId,
    });
    expect(JSON.stringify(direct)).not.toContain('9434765919');
  });
});
