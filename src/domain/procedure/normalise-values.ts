/** Conversions from the text an engineer writes to the values the engine reads. */
import type { ExceptionPath, ExceptionGroup, HoldScope, Limits, QuantityDefinition, Range, Severity, SopRef, Tolerance } from './definition.ts';
import type { z } from 'zod';
import { QUANTITY, TOLERANCE, type exceptionPath, type limits, type quantity, type sopRef } from './source-values.ts';

/** The hold an exception path takes when the author does not say: the more severe, the more waits. */
export const DEFAULT_HOLD: Readonly<Record<Severity, HoldScope>> = { info: 'none', minor: 'none', major: 'step', critical: 'batch' };

/** "net_weight" → "Net weight", "line-clearance" → "Line clearance". */
export function humanize(id: string): string {
  const words = id.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Drops keys whose value is undefined, so definitions compare and serialise cleanly. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** "SOP-PRD-014 §5.3" → { document, clause }; a clause alone takes the document of `sop`. Undefined when no document is known. */
export function toSopRef(ref: z.output<typeof sopRef>, sop: SopRef | undefined): SopRef | undefined {
  let document: string | undefined;
  let clause: string | undefined;
  if (typeof ref === 'string') {
    const mark = ref.indexOf('§');
    document = (mark < 0 ? ref : ref.slice(0, mark)).trim() || undefined;
    clause = mark < 0 ? undefined : ref.slice(mark + 1).trim() || undefined;
  } else {
    ({ document, clause } = ref);
  }
  document ??= sop?.document;
  return document === undefined ? undefined : compact({ document, clause });
}

/** "25 kg" → { value: 25, unit: 'kg' }; { expr, unit } → { expression, unit }. */
export function toQuantity(q: z.output<typeof quantity>): QuantityDefinition {
  if (typeof q === 'string') {
    const [, value, unit] = QUANTITY.exec(q) as unknown as [string, string, string];
    return { value: Number(value), unit };
  }
  return 'expr' in q ? { expression: q.expr, unit: q.unit } : { value: q.value, unit: q.unit };
}

/** "0.5%" → { percent: 0.5 }; "0.1 kg" → { absolute: 0.1, unit: 'kg' } (the unit is checked against the quantity's). */
export function toTolerance(text: string): Tolerance & { unit?: string } {
  const [, value, unit] = TOLERANCE.exec(text) as unknown as [string, string, string];
  return unit === '%' ? { percent: Number(value) } : { absolute: Number(value), unit };
}

function toRange([low, high]: readonly [number | null, number | null]): Range {
  return compact({ min: low ?? undefined, max: high ?? undefined });
}

/** [lo, hi] pairs (null for an open end) → ranges. */
export function toLimits(source: z.output<typeof limits>): Limits {
  return compact({ spec: source.spec && toRange(source.spec), alert: source.alert && toRange(source.alert) });
}

/** An exception path with its defaults: group as given for the context, hold by severity. */
export function toExceptionPath(source: z.output<typeof exceptionPath>, group: ExceptionGroup, ref: SopRef | undefined): ExceptionPath {
  return compact({ severity: source.deviation, group: source.group ?? group, hold: source.hold ?? DEFAULT_HOLD[source.deviation], ref });
}
