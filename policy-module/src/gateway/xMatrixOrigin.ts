// Reads the origin server from a federation request's X-Matrix Authorization header (spec: server-server API,
// "Request Authentication"). The gateway only decides who may talk to this trust; Synapse still verifies the
// signature, so a forged origin gets past neither: it is not a partner here, or its signature fails there.

/** Parameters of one X-Matrix header; undefined when the header is not X-Matrix. */
export function parseXMatrix(header: string): Record<string, string> | undefined {
  const match = /^X-Matrix\s+(.*)$/i.exec(header.trim());
  if (!match?.[1]) return undefined;
  const params: Record<string, string> = {};
  // key=value or key="quoted value", comma separated; quoted values may contain commas and escaped quotes.
  const pattern = /\s*([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*(?:,|$)/gy;
  let part: RegExpExecArray | null;
  while ((part = pattern.exec(match[1])) !== null && part[0] !== '') {
    const key = part[1]?.toLowerCase();
    if (key) params[key] = (part[2] ?? part[3] ?? '').replace(/\\(.)/g, '$1');
    if (pattern.lastIndex >= match[1].length) break;
  }
  return params;
}

/** The origins of all X-Matrix headers on a request (a request may carry several signatures). */
export function xMatrixOrigins(authorization: string | string[] | undefined): string[] | undefined {
  if (authorization === undefined) return undefined;
  const headers = Array.isArray(authorization) ? authorization : [authorization];
  const origins: string[] = [];
  for (const header of headers) {
    const params = parseXMatrix(header);
    if (!params?.origin) return undefined;
    origins.push(params.origin);
  }
  return origins;
}
