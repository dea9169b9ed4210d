// Times as trust IT reads them in a terminal: to the minute, always UTC, so two wards never disagree about when.
export function formatUtcTime(time: Date | null): string {
  if (time === null) return '-';
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
