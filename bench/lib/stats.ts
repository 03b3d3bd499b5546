/** The q-quantile (0 < q ≤ 1) of sorted values, nearest-rank; NaN for no values. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export const fmt = {
  int: (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—'),
  ms: (n: number) => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)) : '—'),
  ratio: (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '—'),
  mib: (bytes: number | null) => (bytes === null ? '—' : `${(bytes / 1024 / 1024).toFixed(0)} MiB`),
  pct: (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(0)}%` : '—'),
};

/** A plain text table: the first row is the header; numbers right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((cell, i) => (/^[-\d.,×%—]+( MiB)?$/.test(cell) && cell !== '-' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
