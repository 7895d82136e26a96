/**
 * The authoring language: a procedure as a process engineer writes it in YAML. Strict objects, so a typo in a
 * key is an error, not a silently ignored line. Defaults are stated in each description (and in
 * docs/procedure-language.md); normalise.ts turns a valid document into a ProcedureDefinition.
 */
import { z } from 'zod';
import { SIGNATURE_MEANINGS } from './definition.ts';
import { field } from './source-fields.ts';
import { alias, duration, exceptionPath, fieldName, limits, quantity, sopRef, stepId, text, tolerance } from './source-values.ts';

const role = text.describe('A role of OpenBES: operator, supervisor, qa, qa-lead, engineer, maintenance or leader (never admin).');

const consume = z
  .strictObject({
    material: alias.describe('Material alias (from materials) the lot must be of.'),
    quantity,
    tolerance: tolerance.optional(),
    weighOn: alias.optional().describe('Equipment alias of the balance the quantity is weighed on.'),
    ref: sopRef.optional(),
  })
  .describe('A material the step consumes: its lots are scanned and the quantity recorded (genealogy).');

const processTag = z
  .strictObject({
    tag: text.describe('Process data tag, e.g. press/compression-force (a leading equipment alias is replaced by the equipment the step uses).'),
    unit: text.describe('Unit of the tag values.'),
    limits: limits.optional(),
    onOutOfSpec: exceptionPath.optional().describe('The deviation an excursion opens. Default group: process.'),
  })
  .describe('Live process data the step watches while it runs.');

export const stepSchema = z
  .strictObject({
    id: stepId.describe('Step id, unique in the procedure; other steps refer to it.'),
    title: text.optional().describe('What the operator sees. Default: the id in words.'),
    instructions: z.string().optional().describe('Work instructions shown with the step.'),
    unitProcedure: text.optional().describe('ISA-88: id of the unit procedure (from unitProcedures) the step belongs to.'),
    operation: text.optional().describe('ISA-88: id of the operation, within the unit procedure, the step belongs to.'),
    after: z
      .union([stepId, z.array(stepId)], { error: 'a step id or a list of step ids' })
      .optional()
      .describe('Steps that must be done (or skipped) first. Default: the step before it in the document; [] to start at once.'),
    when: text.optional().describe('CEL condition, evaluated as the step becomes ready: when false the step is skipped (recorded).'),
    role: role.describe('The role that performs the step: operator, supervisor, qa, qa-lead, engineer, maintenance or leader (never admin).'),
    verify: role.optional().describe('Role of the second person who verifies the step; never the performer.'),
    sign: z.enum(SIGNATURE_MEANINGS).optional().describe("Meaning of the performer's electronic signature: performed, verified, reviewed, approved or released."),
    standard: duration.optional().describe('Standard time, e.g. "15m"; a step running longer is a delay.'),
    within: z
      .strictObject({
        of: stepId.describe('The earlier step whose completion starts the clock.'),
        max: duration.describe('Longest allowed time, e.g. "4h".'),
        ref: sopRef.optional(),
      })
      .optional()
      .describe('Hold-time limit: the step must start within `max` of the completion of step `of`.'),
    wait: z
      .strictObject({
        after: stepId.describe('The earlier step whose completion starts the clock.'),
        min: duration.describe('Shortest wait, e.g. "30m".'),
        ref: sopRef.optional(),
      })
      .optional()
      .describe('Minimum wait: the step may start only `min` after the completion of step `after`.'),
    uses: z.array(alias).default([]).describe('Equipment aliases the step uses; their requirements are checked at start.'),
    consume: z
      .union([consume, z.array(consume)], { error: 'a material to consume { material, quantity, … } or a list of them' })
      .optional()
      .describe('One material to consume, or a list.'),
    produce: z
      .strictObject({ material: alias.describe('Material alias of the output.'), quantity: quantity.optional() })
      .optional()
      .describe('The material (lot) the step produces.'),
    record: z.array(field).default([]).describe('Fields the step records.'),
    repeat: z
      .strictObject({
        every: duration.describe('Interval, e.g. "30m".'),
        record: z.array(fieldName).optional().describe('Ids of fields of this step recorded again at each interval.'),
      })
      .optional()
      .describe('In-process checks repeated while the step runs.'),
    process: z.array(processTag).default([]).describe('Live process data (tags) watched while the step runs.'),
    ref: sopRef.optional(),
  })
  .describe('One step of the procedure (an ISA-88 phase).');

const parameter = z.union(
  [
    z.number(),
    z.strictObject({
      value: z.number().describe('Value'),
      unit: text.optional().describe('Unit, e.g. "kg/tablet"'),
      description: z.string().optional().describe('What it is'),
    }),
  ],
  { error: 'a number, or { value, unit, description }' },
);

const unitProcedure = z
  .strictObject({
    id: stepId.describe('Unit procedure id; steps refer to it in unitProcedure.'),
    title: text.describe('Name, e.g. Granulation.'),
    operations: z
      .array(z.strictObject({ id: stepId.describe('Operation id; steps refer to it in operation.'), title: text.describe('Name, e.g. Wet massing.') }))
      .default([])
      .describe('ISA-88 operations of this unit procedure.'),
  })
  .describe('ISA-88 unit procedure: a group of operations on one unit.');

export const procedureSchema = z
  .strictObject({
    procedure: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'a procedure code: letters, digits, ".", "_" or "-", e.g. PX10-COMPRESSION' })
      .describe('Procedure code, e.g. PX10-COMPRESSION; versions are numbered by the system.'),
    title: text.describe('Title people see.'),
    kind: z.enum(['batch', 'device', 'sop']).default('batch').describe('batch (electronic batch record), device (device history record) or sop (general standard work). Default: batch.'),
    product: text.optional().describe('Product code the procedure makes.'),
    sop: z
      .union([text, z.strictObject({ document: text.describe('SOP document code'), clause: text.optional().describe('Clause') })], {
        error: 'an SOP: "SOP-PRD-014 rev C" or { document, clause }',
      })
      .optional()
      .describe('The SOP this procedure implements, e.g. "SOP-PRD-014 rev C"; refs elsewhere may then give only a clause ("§5.3").'),
    batchSize: z
      .strictObject({
        unit: text.describe('Unit of the batch size, e.g. tablets or kg.'),
        min: z.number().optional().describe('Smallest allowed batch.'),
        max: z.number().optional().describe('Largest allowed batch.'),
        nominal: z.number().optional().describe('Usual batch size.'),
      })
      .optional()
      .describe('Batch size: expressions read it as batch_size; quantities scale with it.'),
    parameters: z
      .record(fieldName, parameter)
      .default({})
      .describe('Formula parameters, read by name in expressions: name: 0.25, or name: { value, unit, description }.'),
    equipment: z
      .record(
        alias,
        z.strictObject({
          class: text.describe('Equipment class that may fill the slot, e.g. tablet-press, balance.'),
          require: z.array(z.enum(['clean', 'calibrated'])).default([]).describe('Status required at use: clean, calibrated. Default: none.'),
        }),
      )
      .default({})
      .describe('Equipment the procedure uses, by alias.'),
    materials: z
      .record(
        alias,
        z.strictObject({
          material: text.describe('Material code, e.g. PX10-GRAN.'),
          require: z
            .array(z.enum(['released', 'in-date']))
            .default(['released', 'in-date'])
            .describe('Lot status required at use: released, in-date. Default: both.'),
        }),
      )
      .default({})
      .describe('Materials the procedure consumes or produces, by alias.'),
    unitProcedures: z.array(unitProcedure).default([]).describe('ISA-88 grouping: unit procedures and their operations.'),
    steps: z.array(stepSchema).min(1, { error: 'a list of at least one step' }).describe('The steps, in document order.'),
  })
  .meta({ title: 'OpenBES procedure', description: 'A procedure (master recipe, device master record routing or SOP) in the OpenBES procedure language.' });

/** A procedure document as validated, before normalisation (defaults of the schema applied). */
export type ProcedureSource = z.output<typeof procedureSchema>;
export type StepSource = z.output<typeof stepSchema>;
