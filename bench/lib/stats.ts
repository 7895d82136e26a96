/**
 * Small helpers shared by the benchmark modules: rates, medians, percentiles, number formats and text tables.
 */

export const now = () => performance.now();
/** Events per second, rounded; 0 for an empty window. */
export const rate = (count: number, ms: number) => (ms > 0 ? Math.round((count * 1000) / ms) : 0);
/** `digits` significant digits, as a number (for JSON). */
export const sig = (x: number, digits = 3) => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : x);
/** `digits` decimals, as a number (for JSON). */
export const fixed = (x: number, digits = 2) => Number(x.toFixed(digits));

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile (nearest rank) of sorted values; NaN when there are none. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const msText = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : '—');

/** A text table with a header, right-aligned except for the first column. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], indent = '  '): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    indent + cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   ');
  return [line(header), indent + widths.map((w) => '─'.repeat(w)).join('   '), ...rows.map(line)].join('\n');
}
