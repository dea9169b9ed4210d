// A patient's messages exported for filing to their health record: a JSON document (for a system to import) and a
// printable HTML page (for a person to print or attach), both made from the same plain data. The HTML is
// self-contained (inline style, no script, no external fetch) and every text in it is escaped, so a message
// holding markup ("<script>", a quote that ends an attribute) is printed as the characters typed, never run.
// Its Content-Security-Policy forbids scripts and loads as a second guard should escaping ever be missed.
import type { PatientMessage } from './patientMessages.ts';

export const patientExportFormat = 'uk.nhs.bleep.patient-export.v1';

export type PatientExport = Readonly<{
  format: typeof patientExportFormat;
  nhsNumber: string;
  exportedAt: number;
  /** The clinician who exported them. */
  exportedBy: string;
  /** Oldest first, as a record reads. */
  messages: readonly Readonly<{
    eventId: string;
    roomId: string;
    roomName: string | null;
    sender: string;
    sentAt: string;
    editedAt: string | null;
    text: string;
  }>[];
}>;

const iso = (ms: number) => new Date(ms).toISOString();

/** The export's data: the messages oldest first, times as ISO 8601 (UTC). */
export function patientExport(
  messages: readonly PatientMessage[],
  about: Readonly<{ nhsNumber: string; exportedAt: number; exportedBy: string }>,
): PatientExport {
  return {
    format: patientExportFormat,
    nhsNumber: about.nhsNumber,
    exportedAt: about.exportedAt,
    exportedBy: about.exportedBy,
    messages: [...messages]
      .sort((a, b) => a.sentAt - b.sentAt || a.eventId.localeCompare(b.eventId))
      .map((message) => ({
        eventId: message.eventId,
        roomId: message.roomId,
        roomName: message.roomName,
        sender: message.sender,
        sentAt: iso(message.sentAt),
        editedAt: message.editedAt === null ? null : iso(message.editedAt),
        text: message.text,
      })),
  };
}

export function patientExportJson(document: PatientExport): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

const htmlEscapes: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe in HTML content and in a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => htmlEscapes[character] ?? character);
}

/** The NHS number as people read it: 3-3-4. */
function spacedNhsNumber(digits: string): string {
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

const style = `
body { font: 11pt/1.4 Arial, Helvetica, sans-serif; color: #000; margin: 2em; }
h1 { font-size: 16pt; margin: 0 0 .3em; }
.about { margin: 0 0 1.5em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #666; padding: .4em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.text { white-space: pre-wrap; overflow-wrap: anywhere; }
@media print { body { margin: 0; } tr { page-break-inside: avoid; } }
`;

/** The printable page. Every value from a message or the store goes through escapeHtml. */
export function patientExportHtml(document: PatientExport): string {
  const rows = document.messages
    .map(
      (message) =>
        `<tr><td>${escapeHtml(message.sentAt)}${
          message.editedAt === null ? '' : `<br>(edited ${escapeHtml(message.editedAt)})`
        }</td><td>${escapeHtml(message.sender)}</td><td>${escapeHtml(
          message.roomName ?? message.roomId,
        )}</td><td class="text">${escapeHtml(message.text)}</td></tr>`,
    )
    .join('\n');
  const nhsNumber = escapeHtml(spacedNhsNumber(document.nhsNumber));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Bleep messages about NHS number ${nhsNumber}</title>
<style>${style}</style>
</head>
<body>
<h1>Bleep messages about NHS number ${nhsNumber}</h1>
<p class="about">Exported ${escapeHtml(iso(document.exportedAt))} by ${escapeHtml(document.exportedBy)}; ${
    document.messages.length
  } message${document.messages.length === 1 ? '' : 's'}, oldest first. Times are UTC.</p>
<table>
<thead><tr><th>Sent</th><th>From</th><th>Conversation</th><th>Message</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}
