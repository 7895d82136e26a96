/**
 * The small values of the authoring language (durations, quantities, tolerances, SOP references, limits,
 * exception paths) as zod schemas. They validate the text a process engineer writes; normalise.ts converts it.
 */
import { z } from 'zod';
import { EXCEPTION_GROUPS, SEVERITIES } from './definition.ts';

/** Step ids: "line-clearance", "compress", "10.20". */
export const STEP_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Names that expressions read (field ids, parameters): CEL identifiers, so no '-'. */
export const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Equipment and material aliases: "press", "api-lot". */
export const ALIAS = /^[A-Za-z][A-Za-z0-9_-]*$/;
/** "30m", "4h", "1h30m", "2d", "45s" (the forms parseDuration reads). */
export const DURATION = /^\s*(?:\d+(?:\.\d+)?\s*(?:ms|s|m|h|d)\s*)+$/;
/** "25 kg", "100000 tablets", "0.5 L": a number, then its unit. */
export const QUANTITY = /^\s*(\d+(?:\.\d+)?)\s*([^\s\d.+-]\S*)\s*$/;
/** "0.5%", "±0.1 kg", "0.1kg": relative (percent) or absolute (in the quantity's unit). */
export const TOLERANCE = /^\s*(?:±|\+\/-|\+-)?\s*(\d+(?:\.\d+)?)\s*(%|[^\s\d.%+-]\S*)\s*$/;

export const stepId = z.string().regex(STEP_ID, { error: 'a step id: letters, digits, ".", "_" or "-", e.g. line-clearance' });
export const fieldName = z.string().regex(NAME, { error: 'a name used in expressions: letters, digits and "_", starting with a letter, e.g. net_weight (no "-")' });
export const alias = z.string().regex(ALIAS, { error: 'an alias: letters, digits, "_" or "-", starting with a letter, e.g. press' });
export const text = z.string().min(1, { error: 'a text that is not empty' });

const DURATION_FORM = 'a duration such as "30m", "4h", "1h30m", "2d" or "45s"';
export const duration = z.string({ error: DURATION_FORM }).regex(DURATION, { error: DURATION_FORM });

export const sopRef = z
  .union([text, z.strictObject({ document: text.optional().describe('SOP document code, e.g. SOP-PRD-014'), clause: text.optional().describe('Clause, e.g. 5.3') })], {
    error: 'an SOP reference: "SOP-PRD-014 §5.3", "§5.3" (in the procedure\'s sop) or { document, clause }',
  })
  .describe('The SOP clause this rule enforces: "SOP-PRD-014 §5.3", or "§5.3" for a clause of the procedure\'s sop.');

export const quantity = z
  .union(
    [
      z.string().regex(QUANTITY, { error: 'a quantity such as "25 kg"' }),
      z.strictObject({ value: z.number().describe('Amount'), unit: text.describe('Unit, e.g. kg') }),
      z.strictObject({
        expr: text.describe('CEL over batch_size, parameters and earlier fields, e.g. "batch_size * api_per_tablet"'),
        unit: text.describe('Unit of the result, e.g. kg'),
      }),
    ],
    { error: 'a quantity with its unit: "25 kg", { value: 25, unit: kg } or { expr: "batch_size * 0.25", unit: kg }' },
  )
  .describe('Target quantity: "25 kg", { value, unit }, or { expr, unit } to scale with the batch size.');

export const tolerance = z
  .string()
  .regex(TOLERANCE, { error: 'a tolerance such as "0.5%" (of the target) or "0.1 kg" (absolute, in the quantity\'s unit)' })
  .describe('Accepted deviation from the target, either side: "0.5%" or "0.1 kg". Without it any amount is accepted.');

const bound = z.number().nullable();
export const range = z
  .tuple([bound, bound], { error: 'a range [low, high]; null for an open end, e.g. [8, 12] or [null, 0.5]' })
  .describe('[low, high], inclusive; null for an open end.');

export const limits = z
  .strictObject({
    spec: range.optional().describe('Specification [low, high]: a value outside is out of spec (recorded, never refused) and starts onOutOfSpec.'),
    alert: range.optional().describe('Alert (action) limits [low, high], inside spec: a value outside is flagged, no deviation.'),
  })
  .describe('Limits the system compares each value with the moment it is entered.');

export const exceptionPath = z
  .strictObject({
    deviation: z.enum(SEVERITIES).describe('Severity of the deviation opened: info, minor, major or critical.'),
    group: z
      .enum(EXCEPTION_GROUPS)
      .optional()
      .describe('Exception group: critical-value, process, resource, value or external. Default: value (process for process tags).'),
    hold: z
      .enum(['none', 'step', 'batch'])
      .optional()
      .describe('What waits for the decision: none, the step, or the whole batch. Default: none for info and minor, step for major, batch for critical.'),
    ref: sopRef.optional(),
  })
  .describe('The exception path an out-of-spec value starts.');
