/**
 * Stand-ins for authentication and signing while the identity module is not wired in: the API refuses
 * everyone (401) and signs nothing, so `bes serve` never exposes an unauthenticated API. The identity
 * branch replaces both when it is merged (see src/cli/commands/serve.ts).
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Signer } from './principal.ts';
import { problem, problemResponse } from './problem.ts';

/** Refuses every request that needs a principal. */
export const refuseEveryone: MiddlewareHandler<AppEnv> = async (c) =>
  problemResponse(c, problem(401, 'unauthenticated', 'Sign-in is not available on this server yet: the API answers only its public routes.'));

/** Makes no signature. */
export const signNothing: Signer = {
  sign: async () => ({ ok: false, refusal: { code: 'signing_unavailable', message: 'Electronic signatures are not available on this server yet.', details: {} } }),
};
