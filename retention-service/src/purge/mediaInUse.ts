// Local media kept past the window: pictures in use now as a profile picture or a room's avatar. They are not
// message content, and deleting them would blank every avatar every few days. A picture no longer in use ages
// out like anything else. The purge and the proof both use this, so they agree on what is exempt.

/** SQL: true when local media `mediaIdColumn` is a current avatar; $serverParam is the server name. */
export function mediaInUseSql(mediaIdColumn: string, serverParam: string): string {
  const mxc = `('mxc://' || ${serverParam} || '/' || ${mediaIdColumn})`;
  return `(EXISTS (SELECT 1 FROM profiles p WHERE p.avatar_url = ${mxc})
    OR EXISTS (SELECT 1 FROM room_stats_state r WHERE r.avatar = ${mxc}))`;
}
