// Whether a stored event still holds content, as SQL over its event_json row. The purge and the proof must agree
// on this, so it is written once. A message event holds none once Synapse has pruned it (its content is {}); a
// redaction keeps only `redacts`, and the retention service's own redactions add one fixed marker, which says
// nothing about the message. Anything else in `content` (ciphertext, a body, a reason, a reaction's key) is content.

/** The marker the retention service puts on its redactions, so a client can tell "the server's copy expired". */
export const retentionMarker = 'uk.nhs.bleep.retention';

/** SQL: true when the event_json `json` column named holds content. */
export function contentHeldSql(jsonColumn: string): string {
  const content = `((${jsonColumn})::jsonb -> 'content')`;
  return `(CASE jsonb_typeof(${content})
    WHEN 'object' THEN (${content} - 'redacts') NOT IN ('{}'::jsonb, '{"${retentionMarker}": true}'::jsonb)
    WHEN 'null' THEN false
    ELSE (${jsonColumn})::jsonb ? 'content' END)`;
}
