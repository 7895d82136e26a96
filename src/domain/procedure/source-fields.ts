/** The fields a step records, as written in `record:`; `type` says which keys a field takes. */
import { z } from 'zod';
import { alias, exceptionPath, fieldName, limits, sopRef, text } from './source-values.ts';

const common = {
  id: fieldName.describe('Field id, unique in the whole procedure; expressions read the value by this name.'),
  label: text.optional().describe('What the operator sees. Default: the id in words ("net_weight" → "Net weight").'),
  required: z.boolean().default(true).describe('Whether the step can only be completed with a value. Default: true.'),
  ref: sopRef.optional(),
};
const onOutOfSpec = exceptionPath
  .optional()
  .describe('The deviation an out-of-spec value opens. Default, when the field has spec limits or expect: a minor deviation, hold none (with a warning).');

export const checkField = z
  .strictObject({
    ...common,
    type: z.literal('check').describe('A yes/no confirmation.'),
    expect: z.boolean({ error: 'true or false (the answer that is in spec)' }).optional().describe('The answer that is in spec: true or false.'),
    onOutOfSpec,
  })
  .describe('A confirmation (check box).');

export const numberField = z
  .strictObject({
    ...common,
    type: z.literal('number').describe('A measured or calculated number.'),
    unit: text.optional().describe('Unit of the value, e.g. kg, kP, "%", tablets. Required: a number without a unit is an error.'),
    samples: z.int().min(1).default(1).describe('Values per entry, e.g. 10 tablets for hardness; expressions read .mean, .min, .max, .values. Default: 1.'),
    decimals: z.int().min(0).max(10).optional().describe('Decimals shown and recorded.'),
    limits: limits.optional(),
    compute: text.optional().describe('CEL the system calculates the value with (nobody types it), over earlier fields, parameters and batch_size.'),
    onOutOfSpec,
  })
  .describe('A number with its unit, limits and exception path.');

export const textField = z
  .strictObject({
    ...common,
    type: z.literal('text').describe('Free text or a scanned code.'),
    pattern: text.optional().describe('Regular expression the whole value must match, e.g. "PX-[0-9]{6}" for a serial number.'),
    maxLength: z.int().min(1).default(500).describe('Longest accepted text. Default: 500.'),
  })
  .describe('Text, optionally with a format (pattern).');

export const choiceField = z
  .strictObject({
    ...common,
    type: z.literal('choice').describe('One of a list of options.'),
    options: z.array(text).min(1).describe('The options the operator chooses from.'),
    expect: z.union([text, z.array(text).min(1)]).optional().describe('The acceptable option(s); choosing another is out of spec.'),
    onOutOfSpec,
  })
  .describe('A choice among options.');

export const lotField = z
  .strictObject({
    ...common,
    type: z.literal('lot').describe('A scanned lot id.'),
    material: alias.optional().describe('Material alias the lot must be of (and meet its requirements).'),
  })
  .describe('A lot scan, checked against a material of the procedure.');

export const equipmentField = z
  .strictObject({
    ...common,
    type: z.literal('equipment').describe('A scanned equipment id.'),
    equipment: alias.optional().describe('Equipment alias the scanned equipment must fill.'),
  })
  .describe('An equipment scan, checked against an equipment alias of the procedure.');

export const field = z
  .discriminatedUnion('type', [checkField, numberField, textField, choiceField, lotField, equipmentField])
  .describe('A value the step records: check, number, text, choice, lot or equipment.');
