// What the audit trail records, and where its writers report: never message content, only who, which device,
// what, which room, and the result.
export type AuditEntry = Readonly<{
  actor: string | null;
  device: string | null;
  action: string;
  room: string | null;
  result: string;
  detail?: Readonly<Record<string, string | number | boolean | null>>;
}>;

export interface AuditSink {
  record(entry: AuditEntry): Promise<void>;
}
