/** `from` as given; a date-only `to` includes its whole day (`to=2025-03-31` ends before April 1st). */
export function periodBounds(from?: string, to?: string): { from: Date | null; toExclusive: Date | null } {
  const end = to === undefined ? null : /^\d{4}-\d{2}-\d{2}$/.test(to) ? new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000) : new Date(Date.parse(to) + 1);
  return { from: from === undefined ? null : new Date(from), toExclusive: end };
}
