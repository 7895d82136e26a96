import { z } from '@hono/zod-openapi';
import { Id, Text } from './common.ts';

export const PersonParams = z.object({ personId: Id });

export const RegisterPersonBody = z.strictObject({ personId: Id, username: z.string().max(100), name: Text(200) }).openapi('RegisterPerson');
export const RoleBody = z.strictObject({ role: z.string().max(40).openapi({ example: 'operator' }) }).openapi('RoleAtYourSite', { description: 'A role at the site you are signed in at' });
export const DeactivateBody = z.strictObject({ reason: Text() }).openapi('DeactivatePerson');
export const TrainingBody = z
  .strictObject({ procedure: z.string().max(100), version: z.number().int().min(-1e9).max(1e9), trainedBy: z.string().max(100).optional() })
  .openapi('RecordTraining', { description: '`trainedBy` defaults to you' });

export const PersonView = z
  .object({
    id: z.string(),
    username: z.string(),
    name: z.string(),
    active: z.boolean(),
    roles: z.array(z.string()).openapi({ description: 'Roles held at your site' }),
    training: z.array(z.object({ procedure: z.string(), version: z.number().int(), trainedAt: z.string(), trainedBy: z.string() })),
    version: z.number().int(),
  })
  .openapi('Person');
