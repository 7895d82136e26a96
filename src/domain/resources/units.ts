/**
 * Units of quantity the resources convert between: mass (kg, g, mg, µg) and volume (L, mL). Countable
 * units (pcs, units, tablets, or any other unit) convert only to themselves: 1 tablet is not 1 pcs.
 */

const FACTORS: Record<string, { readonly dimension: string; readonly factor: number }> = {
  kg: { dimension: 'mass', factor: 1e9 },
  g: { dimension: 'mass', factor: 1e6 },
  mg: { dimension: 'mass', factor: 1e3 },
  µg: { dimension: 'mass', factor: 1 },
  ug: { dimension: 'mass', factor: 1 },
  mcg: { dimension: 'mass', factor: 1 },
  L: { dimension: 'volume', factor: 1e6 },
  l: { dimension: 'volume', factor: 1e6 },
  mL: { dimension: 'volume', factor: 1e3 },
  ml: { dimension: 'volume', factor: 1e3 },
  µL: { dimension: 'volume', factor: 1 },
  uL: { dimension: 'volume', factor: 1 },
};

/** Significant digits kept after a conversion: far beyond any balance, far above double rounding noise. */
const SIGNIFICANT = 12;

/**
 * `value` in unit `from` expressed in unit `to`; undefined when they measure different things
 * (kg → L, pcs → kg, tablets → pcs). Rounded to 12 significant digits, so 0.1 kg is exactly 100 g.
 */
export function convertQuantity(value: number, from: string, to: string): number | undefined {
  if (!Number.isFinite(value)) return undefined;
  if (from === to) return value;
  const a = FACTORS[from];
  const b = FACTORS[to];
  if (!a || !b || a.dimension !== b.dimension) return undefined;
  // Factors are integers, so one multiplication and one division carry the only rounding error.
  const converted = (value * a.factor) / b.factor;
  return converted === 0 ? 0 : Number(converted.toPrecision(SIGNIFICANT));
}

/**
 * A stock quantity rounded to 1e-9 of its unit: on-hand arithmetic (25 − 24.9) must not leave 1e-15
 * residues that make a lot look short or not quite empty.
 */
export function roundQuantity(value: number): number {
  const rounded = Math.round(value * 1e9) / 1e9;
  return rounded === 0 ? 0 : rounded; // no -0
}

/** A quantity for people: "12.5 kg", "25000 g". */
export function formatQuantity(value: number, unit: string): string {
  return `${roundQuantity(value)} ${unit}`;
}
