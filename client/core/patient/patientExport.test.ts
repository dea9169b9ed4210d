import { describe, expect, it } from 'vitest';
import { escapeHtml, patientExport, patientExportHtml, patientExportJson } from './patientExport.ts';
import type { PatientMessage } from './patientMessages.ts';

const noon = Date.UTC(2026, 10, 28, 12);

function message(eventId: string, sentAt: number, change: Partial<PatientMessage> = {}): PatientMessage {
  return {
    eventId,
    roomId: '!ward:trust-a.example',
    roomName: 'Ward 12',
    sender: '@amelia:trust-a.example',
    sentAt,
    editedAt: null,
    msgtype: 'm.text',
    text: 'Bloods back',
    nhsNumber: '9434765919',
    filedAt: null,
    ...change,
  };
}

const hostile = `<script>alert("x")</script><img src=x onerror=alert(1)> " onmouseover="alert(2)' & </td></table>`;

describe('the export for filing', () => {
  const about = { nhsNumber: '9434765919', exportedAt: noon, exportedBy: '@amelia:trust-a.example' };

  it('lists the messages oldest first with sender, time, room name and text, as JSON', () => {
    const document = patientExport(
      [
        message('$new', noon - 1000, { editedAt: noon - 500 }),
        message('$old', noon - 2000, { roomName: null }),
      ],
      about,
    );
    const parsed = JSON.parse(patientExportJson(document)) as unknown;
    expect(parsed).toEqual({
      format: 'uk.nhs.bleep.patient-export.v1',
      nhsNumber: '9434765919',
      exportedAt: noon,
      exportedBy: '@amelia:trust-a.example',
      messages: [
        {
          eventId: '$old',
          roomId: '!ward:trust-a.example',
          roomName: null,
          sender: '@amelia:trust-a.example',
          sentAt: new Date(noon - 2000).toISOString(),
          editedAt: null,
          text: 'Bloods back',
        },
        {
          eventId: '$new',
          roomId: '!ward:trust-a.example',
          roomName: 'Ward 12',
          sender: '@amelia:trust-a.example',
          sentAt: new Date(noon - 1000).toISOString(),
          editedAt: new Date(noon - 500).toISOString(),
          text: 'Bloods back',
        },
      ],
    });
  });

  it('keeps hostile text exactly in JSON', () => {
    const json = patientExportJson(patientExport([message('$h', noon, { text: hostile })], about));
    expect((JSON.parse(json) as { messages: { text: string }[] }).messages[0]?.text).toBe(hostile);
  });

  it('prints hostile text, sender and room name as characters in the HTML, never as markup', () => {
    const html = patientExportHtml(
      patientExport(
        [
          message('$h', noon, {
            text: hostile,
            sender: '@<b>x</b>:evil',
            roomName: '"><script>y()</script>',
          }),
        ],
        about,
      ),
    );
    // The page's own markup has no script at all, so any "<script" would be the message's.
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain('<b>x</b>');
    expect(html).not.toContain('" onmouseover="');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;/td&gt;&lt;/table&gt;');
    expect(html).toContain('&quot;&gt;&lt;script&gt;y()&lt;/script&gt;');
    // One row per message: the hostile text did not open or close any.
    expect(html.match(/<tr>/g)).toHaveLength(2);
    expect(html.match(/<\/table>/g)).toHaveLength(1);
  });

  it('is self-contained and printable: no script, nothing fetched, a policy that forbids both', () => {
    const html = patientExportHtml(patientExport([message('$m', noon)], about));
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/\b(src|href)=/i);
    expect(html).toContain('@media print');
    expect(html).toContain('NHS number 943 476 5919');
    expect(html).toContain('Ward 12');
    expect(html).toContain(new Date(noon).toISOString());
  });

  it('escapes the five characters that matter in content and attributes', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
