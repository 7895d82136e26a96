import { z } from '@hono/zod-openapi';
import { Text } from './common.ts';

export const RegisterSiteBody = z.strictObject({ siteId: z.string().max(64), name: Text(200) }).openapi('RegisterSite');

export const SiteView = z.object({ id: z.string(), name: z.string(), version: z.number().int() }).openapi('Site');
