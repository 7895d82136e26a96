/** Request and response shapes of the identity routes, as they appear in the OpenAPI document. */
import { z } from '@hono/zod-openapi';
import { ROLES } from '../../domain/resources/roles.ts';

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().openapi({ description: 'What went wrong, in a sentence for people' }),
    code: z.string().openapi({ description: 'Stable machine-readable code', example: 'invalid_credentials' }),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('Problem');

export const LoginRequest = z
  .object({
    username: z.string().min(1).max(200),
    password: z.string().min(1).max(1024),
    site: z.string().min(1).max(100).optional().openapi({ description: 'Needed when you hold roles at more than one site' }),
  })
  .openapi('LoginRequest');

export const SessionView = z
  .object({
    personId: z.string(),
    username: z.string(),
    name: z.string(),
    site: z.string(),
    roles: z.array(z.string()),
    via: z.enum(['session', 'token']),
    csrfToken: z.string().optional().openapi({ description: 'Send it as X-CSRF-Token with every state-changing request (sessions only)' }),
    accountKind: z.enum(['personal', 'generic']).optional(),
    mustChangePassword: z.boolean().optional(),
    idleTimeoutSeconds: z.number().int().optional(),
    expiresAt: z.string().optional().openapi({ description: 'The absolute end of the session' }),
    esignature: z
      .object({
        acknowledged: z.boolean(),
        acknowledgedTextVersion: z.string().nullable(),
        textVersion: z.string().openapi({ description: 'The version of the current acknowledgement text' }),
        text: z.string(),
      })
      .optional(),
  })
  .openapi('Session');

export const AcknowledgementRequest = z
  .object({ textVersion: z.string().min(1).max(50), password: z.string().min(1).max(1024) })
  .openapi('ESignatureAcknowledgementRequest');

export const AcknowledgementView = z.object({ acknowledged: z.literal(true), textVersion: z.string() }).openapi('ESignatureAcknowledgement');

export const PasswordRequest = z
  .object({
    password: z.string().max(1024).openapi({ description: 'The new password: 8 to 128 characters (15 or more recommended), not a common one, not containing the username' }),
    currentPassword: z.string().max(1024).optional().openapi({ description: 'Required when changing your own password' }),
  })
  .openapi('PasswordRequest');

export const PasswordView = z.object({ kind: z.enum(['initial', 'reset', 'changed']), mustChangePassword: z.boolean() }).openapi('PasswordSet');

export const UnlockView = z.object({ wasLocked: z.boolean() }).openapi('Unlock');

export const TokenRequest = z
  .object({
    personId: z.string().min(1).max(200),
    role: z.enum(ROLES),
    label: z.string().min(1).max(100).openapi({ description: 'What uses the token', example: 'ERP connector' }),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .openapi('ApiTokenRequest');

export const TokenView = z
  .object({
    id: z.string(),
    personId: z.string(),
    site: z.string(),
    role: z.string(),
    label: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    revokedBy: z.string().nullable(),
  })
  .openapi('ApiToken');

export const IssuedToken = TokenView.extend({ token: z.string().openapi({ description: 'Shown this once: `Authorization: Bearer <token>`' }) }).openapi('IssuedApiToken');

export const TokenList = z.object({ tokens: z.array(TokenView) }).openapi('ApiTokens');

export const PersonIdParam = z.object({ id: z.string().min(1).max(200).openapi({ param: { name: 'id', in: 'path' } }) });
export const TokenIdParam = z.object({ id: z.string().min(1).max(200).openapi({ param: { name: 'id', in: 'path' } }) });
