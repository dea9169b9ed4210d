// The two parts of a Matrix user id ("@amelia.hart:trust-a.nhs.uk"): the local part, to show when nobody set a
// display name, and the server name (port included), which says which trust the clinician belongs to.
export function localPartOf(userId: string): string {
  const colon = userId.indexOf(':');
  return userId.slice(userId.startsWith('@') ? 1 : 0, colon === -1 ? undefined : colon);
}

export function serverNameOf(userId: string): string {
  const colon = userId.indexOf(':');
  return colon === -1 ? '' : userId.slice(colon + 1);
}
