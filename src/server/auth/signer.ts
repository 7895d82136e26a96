/**
 * The Signer the API's routes use before a signed command (src/server/principal.ts): re-authenticates the
 * session's person and, on success, puts the rotated session id in the response's cookie. The route must
 * answer through `c` (c.json / c.body) so the new cookie reaches the browser; the CSRF token stays the same.
 */
import type { Identity } from '../../identity/identity.ts';
import { signInSession } from '../../identity/signing.ts';
import type { Signer } from '../principal.ts';
import { clearSessionCookie, setSessionCookie } from './session-cookie.ts';

/** The signer of an identity service. */
export function createSigner(identity: Identity): Signer {
  return {
    async sign(c, request, recordHash) {
      const result = await signInSession(identity, c.get('principal'), request, recordHash);
      if (!result.ok) {
        if (result.sessionsEnded) clearSessionCookie(c, identity);
        return { ok: false, refusal: result.refusal };
      }
      setSessionCookie(c, identity, result.session.id);
      return { ok: true, signature: result.signature };
    },
  };
}
