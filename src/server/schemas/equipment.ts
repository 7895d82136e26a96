import { z } from '@hono/zod-openapi';
import { Id, Text } from './common.ts';

export const EquipmentParams = z.object({ equipmentId: Id });

export const RegisterEquipmentBody = z
  .strictObject({ equipmentId: Id, name: Text(200), class: z.string().max(100), calibrationDue: z.string().max(40).optional() })
  .openapi('RegisterEquipment', { description: 'At your site; it starts available, with no cleaning record' });
/** Beyond this a clean-until time is no date at all (the domain would fail to compute it, not refuse it). */
const MAX_HOLD_MS = 100 * 365 * 86_400_000;
export const CleaningBody = z
  .strictObject({ validForMs: z.number().max(MAX_HOLD_MS, 'a clean hold time is at most 100 years').openapi({ description: 'The validated clean hold time, in milliseconds' }) })
  .openapi('RecordCleaning');
export const ReasonBody = z.strictObject({ reason: Text() }).openapi('Reason');
export const CalibrationBody = z.strictObject({ dueDate: z.string().max(40).openapi({ example: '2027-05-24' }) }).openapi('RecordCalibration');
export const EmptyBody = z.strictObject({}).openapi('Empty', { description: 'Nothing to say: send {}' });

export const ReadinessQuery = z.object({
  require: z
    .string()
    .regex(/^(clean|calibrated)(,(clean|calibrated))*$/, 'require lists clean and/or calibrated, comma-separated')
    .optional()
    .openapi({ description: 'What to check (default clean,calibrated)' }),
  batch: Id.optional().openapi({ description: 'The batch that would use it (the campaign rule counts its own use as clean)' }),
});

export const Readiness = z
  .object({ ready: z.boolean(), reasons: z.array(z.string()), message: z.string().optional() })
  .openapi('Readiness', { description: 'Whether a step could take it now, and if not why, as execution would say it' });

export const EquipmentView = z
  .object({
    id: z.string(),
    site: z.string(),
    name: z.string(),
    class: z.string(),
    status: z.string(),
    cleanUntil: z.string().optional(),
    calibrationDue: z.string().optional(),
    inUseBy: z.object({ batchId: z.string(), stepId: z.string() }).optional(),
    statusReason: z.string().optional(),
    readiness: Readiness,
    version: z.number().int(),
  })
  .openapi('Equipment');

export const LogbookEntry = z.object({ position: z.number().int(), at: z.string(), by: z.string(), type: z.string(), entry: z.string() }).openapi('LogbookEntry');
export const Logbook = z.object({ items: z.array(LogbookEntry), next: z.number().int().optional() });
export const EquipmentDetail = EquipmentView.extend({ logbook: Logbook }).openapi('EquipmentWithLogbook');
