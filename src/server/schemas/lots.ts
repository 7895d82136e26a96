import { z } from '@hono/zod-openapi';
import { Amount, Id, Text } from './common.ts';

export const LotParams = z.object({ lotId: Id });

export const ReceiveLotBody = z
  .strictObject({ lotId: Id, material: z.string().max(100), quantity: Amount, unit: z.string().max(20), expiry: z.string().max(40).openapi({ example: '2027-11-30' }) })
  .openapi('ReceiveLot', { description: 'Goods receipt at your site: the lot is in quarantine until QA releases it' });
export const RejectLotBody = z.strictObject({ reason: Text() }).openapi('RejectLot');
export const AdjustLotBody = z.strictObject({ quantity: Amount.openapi({ description: 'The counted quantity on hand, in the lot unit' }), reason: Text() }).openapi('AdjustLot');

export const LotView = z
  .object({
    id: z.string(),
    site: z.string(),
    material: z.string(),
    status: z.enum(['quarantine', 'released', 'rejected']),
    expiry: z.string(),
    unit: z.string(),
    onHand: z.number(),
    consumptions: z.array(z.object({ batchId: z.string(), stepId: z.string(), quantity: z.number() })),
    producedBy: z.string().optional(),
    rejectionReason: z.string().optional(),
    version: z.number().int(),
  })
  .openapi('Lot');
