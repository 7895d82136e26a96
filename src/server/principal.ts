/**
 * Who is calling, as the server established it: the contract between authentication (src/identity,
 * src/server/auth) and every route. Routes never look at cookies or tokens; they read the principal.
 */
import type { Context } from 'hono';
import type { Actor } from '../domain/shared/decider.ts';
import type { Role } from '../domain/resources/roles.ts';
import type { SignatureInput } from '../domain/execution/batch-commands.ts';
import type { SignatureMeaning } from '../domain/procedure/definition.ts';
import type { Refusal } from '../domain/shared/refusal.ts';

export interface Principal {
  readonly personId: string;
  readonly username: string;
  /** Printed name, as on signatures. */
  readonly name: string;
  /** The site the person signed in at (or the token is scoped to): all their authority is here. */
  readonly site: string;
  /** Roles held at that site (a token: the one role it is scoped to). */
  readonly roles: readonly Role[];
  readonly via: 'session' | 'token';
  /** Server-side session id, when `via` is 'session' (signatures re-authenticate within it). */
  readonly sessionId?: string;
}

/** Hono's typing of what middleware leaves on the context. */
export interface AppEnv {
  Variables: {
    principal: Principal;
  };
}

/** The domain's view of the caller. */
export function actorOf(principal: Principal): Actor {
  return { id: principal.personId, name: principal.name, site: principal.site, roles: principal.roles };
}

/** What a person types to sign (Part 11 §11.200(a)): their password again, within their session. */
export interface SignatureRequest {
  readonly meaning: SignatureMeaning;
  readonly password: string;
}

/**
 * Re-authenticates a signer (src/identity implements it). A wrong password is recorded and counts toward
 * lockout; a person who has not yet acknowledged that their e-signature is binding (§11.100(c)) is refused.
 * On success it returns what the domain command carries, bound to `recordHash`. It takes the request's
 * context because signing rotates the session (a new session cookie on the response).
 */
export interface Signer {
  sign(c: Context<AppEnv>, request: SignatureRequest, recordHash: string): Promise<{ readonly ok: true; readonly signature: SignatureInput } | { readonly ok: false; readonly refusal: Refusal }>;
}
