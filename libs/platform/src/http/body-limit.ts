/** `BODY_LIMIT` as configured (`20mb`, `512kb`) in bytes. */
export function bytesOf(limit: string): number {
  const match = /^(\d+)(kb|mb)$/i.exec(limit);
  if (!match) throw new Error(`a body limit looks like 20mb or 512kb, not "${limit}"`);
  return Number(match[1]) * (match[2].toLowerCase() === 'kb' ? 1024 : 1024 * 1024);
}
