import { z } from '@hono/zod-openapi';
import { SIGNATURE_MEANINGS } from '../../domain/procedure/definition.ts';
import { Amount, Id, Text } from './common.ts';

export const BatchParams = z.object({ batchId: Id });
export const StepParams = z.object({ batchId: Id, stepId: z.string().min(1).max(100) });
export const HoldParams = z.object({ batchId: Id, holdId: z.string().min(1).max(100) });

export const CreateBatchBody = z
  .strictObject({ batchId: Id, procedure: Id, version: z.number().int(), batchSize: Amount.optional(), lot: z.string().max(100).optional() })
  .openapi('CreateBatch', { description: 'At your site, from the effective version of the procedure (supervisor)' });

const EnteredValue = z
  .union([Amount, z.boolean(), z.string().max(2000), z.array(Amount).max(1000)])
  .openapi('EnteredValue', { description: 'One value, or the samples of a multi-sample field' });

/** What a person types to sign: the meaning and their password again (never stored, never logged). */
export const SignatureBody = z
  .strictObject({ meaning: z.enum(SIGNATURE_MEANINGS), password: z.string().max(1024).openapi({ format: 'password' }) })
  .openapi('Signature', { description: 'Re-authentication at signing (21 CFR 11.200). The signature is bound to the hash of the step content.' });

export const StartStepBody = z
  .strictObject({ equipment: z.record(z.string().max(100), z.string().max(100)).optional().openapi({ description: 'Equipment id for each equipment alias the step uses' }) })
  .openapi('StartStep');
export const RecordValueBody = z.strictObject({ fieldId: z.string().max(100), value: EnteredValue }).openapi('RecordValue');
export const CorrectValueBody = z.strictObject({ fieldId: z.string().max(100), value: EnteredValue, reason: Text() }).openapi('CorrectValue');
export const ConsumeBody = z
  .strictObject({ material: z.string().max(100), lotId: z.string().max(100), quantity: Amount, unit: z.string().max(20), balanceId: z.string().max(100).optional() })
  .openapi('ConsumeMaterial');
export const CompleteStepBody = z
  .strictObject({
    signature: SignatureBody.optional(),
    producedLot: z.strictObject({ lotId: Id, quantity: Amount, unit: z.string().max(20), expiry: z.string().max(40) }).optional(),
  })
  .openapi('CompleteStep', { description: '`signature` when the procedure says the step is signed; `producedLot` when the step makes material' });
export const VerifyStepBody = z.strictObject({ signature: SignatureBody.optional() }).openapi('VerifyStep', { description: 'A verification is signed with the meaning "verified"' });
export const PlaceHoldBody = z.strictObject({ stepId: z.string().max(100).optional(), reason: Text() }).openapi('PlaceHold', { description: 'Without stepId the whole batch is held' });
export const ReleaseHoldBody = z.strictObject({ reason: Text() }).openapi('ReleaseHold');

export const BatchesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: Id.optional(),
  status: z.enum(['in_progress', 'completed']).optional(),
});

const Blocker = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) }).openapi('Blocker');

const FieldView = z.object({
  id: z.string(),
  label: z.string(),
  type: z.string(),
  unit: z.string().optional(),
  required: z.boolean(),
  computed: z.boolean(),
  value: z.unknown().optional(),
  evaluation: z.string().optional(),
  by: z.string().optional(),
});

export const StepView = z
  .object({
    id: z.string(),
    title: z.string(),
    role: z.string(),
    verify: z.string().optional(),
    sign: z.string().optional(),
    status: z.enum(['pending', 'in_progress', 'awaiting_verification', 'done', 'skipped']),
    startedAt: z.string().optional(),
    completedAt: z.string().optional(),
    performers: z.array(z.string()),
    equipment: z.record(z.string(), z.string()),
    consumed: z.record(z.string(), z.number()),
    fields: z.array(FieldView),
    blockedBy: z.array(Blocker).openapi({ description: 'What keeps the step from going on now, in the words execution would refuse with; empty when nothing does' }),
  })
  .openapi('Step');

export const BatchSummary = z
  .object({
    id: z.string(),
    procedure: z.string(),
    procedureVersion: z.number().int(),
    status: z.enum(['in_progress', 'completed']),
    batchSize: z.number().optional(),
    steps: z.object({ done: z.number().int(), total: z.number().int() }),
    holds: z.number().int(),
    deviations: z.array(z.string()),
    version: z.number().int(),
  })
  .openapi('BatchSummary');

export const BatchView = BatchSummary.omit({ steps: true, holds: true })
  .extend({
    site: z.string(),
    holds: z.array(z.object({ id: z.string(), stepId: z.string().optional(), reason: z.string(), deviationId: z.string().optional() })),
    steps: z.array(StepView),
  })
  .openapi('Batch');
