/** The closed lists a deviation is classified by, so figures can be counted per category and cause. */
import { EXCEPTION_GROUPS } from '../procedure/definition.ts';

/** What went wrong: the exception groups execution raises, and what people report besides. */
export const DEVIATION_CATEGORIES = [...EXCEPTION_GROUPS, 'procedure', 'documentation', 'equipment', 'material', 'environment', 'personnel'] as const;
export type DeviationCategory = (typeof DEVIATION_CATEGORIES)[number];

/** Why it went wrong, as the investigation found (the "6 M" of a fishbone, and "unknown"). */
export const ROOT_CAUSE_CATEGORIES = ['human-error', 'method', 'equipment', 'material', 'measurement', 'environment', 'unknown'] as const;
export type RootCauseCategory = (typeof ROOT_CAUSE_CATEGORIES)[number];

export function isDeviationCategory(text: unknown): text is DeviationCategory {
  return typeof text === 'string' && (DEVIATION_CATEGORIES as readonly string[]).includes(text);
}

export function isRootCauseCategory(text: unknown): text is RootCauseCategory {
  return typeof text === 'string' && (ROOT_CAUSE_CATEGORIES as readonly string[]).includes(text);
}
