// Times and days as a UK clinician reads them: 24-hour clock, "Today", "Yesterday", then the date.
const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
const date = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const shortDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });

const dayStart = (at: number) => {
  const day = new Date(at);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
};

/** 14:05 today, otherwise "3 Nov". */
export function shortTime(at: number, now = Date.now()): string {
  return dayStart(at) === dayStart(now) ? time.format(at) : shortDate.format(at);
}

export function clockTime(at: number): string {
  return time.format(at);
}

/** The heading of a day in a conversation. */
export function dayLabel(at: number, now = Date.now()): string {
  const days = Math.round((dayStart(now) - dayStart(at)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  // The NHS style, "Tuesday 3 November 2026", whatever punctuation the runtime's ICU puts between the parts.
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    date.formatToParts(at).find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}

/** Items grouped under day headings, in their order. */
export function byDay<T extends Readonly<{ sentAt: number }>>(
  items: readonly T[],
): Readonly<{ day: number; items: readonly T[] }>[] {
  const groups: { day: number; items: T[] }[] = [];
  for (const item of items) {
    const day = dayStart(item.sentAt);
    const last = groups.at(-1);
    if (last?.day === day) last.items.push(item);
    else groups.push({ day, items: [item] });
  }
  return groups;
}
