// When an event counts as sent, for the promise: the earlier of when this server received it and when its sender
// says it was sent. Holding content longer than the window after it arrived breaks the promise; so does holding a
// message dated before the window (an application service's backdated event, a partner's history backfilled today),
// which is old content whatever its arrival. Erring early is allowed; holding longer is not.

/** SQL for an `events` row's time by both clocks; `alias` is the events table's alias in the query. */
export function eventTimeSql(alias: string): string {
  return `LEAST(${alias}.received_ts, COALESCE(${alias}.origin_server_ts, ${alias}.received_ts))`;
}

/** SQL for an `event_search` row's time: its event's, or the row's own sending time once the event is gone. */
export function searchRowTimeSql(searchAlias: string, eventAlias: string): string {
  return `COALESCE(${eventTimeSql(eventAlias)}, ${searchAlias}.origin_server_ts, 0)`;
}
