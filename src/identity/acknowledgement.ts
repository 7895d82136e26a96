/**
 * A person acknowledges, with their password, that their electronic signature is the legally binding
 * equivalent of their handwritten one (21 CFR 11.100(c)); recorded as ESignatureAcknowledged on their own
 * stream, by them. Until then the domain refuses their signatures.
 */
import type { Refusal } from '../domain/shared/refusal.ts';
import { executeCommand } from '../engine/resource-commands.ts';
import { actorOf, type Principal } from '../server/principal.ts';
import { sessionCheck } from './authority.ts';
import { ESIGNATURE_TEXT_VERSION } from './esignature-text.ts';
import type { Identity } from './identity.ts';
import { reauthenticate } from './reauthenticate.ts';

export type AcknowledgementResult = { readonly ok: true; readonly textVersion: string } | { readonly ok: false; readonly refusal: Refusal; readonly sessionsEnded: boolean };

/** Records the principal's acknowledgement of the current text. */
export async function acknowledgeESignature(identity: Identity, principal: Principal, textVersion: string, password: string): Promise<AcknowledgementResult> {
  const no = (refusal: Refusal): AcknowledgementResult => ({ ok: false, refusal, sessionsEnded: false });
  const denied = sessionCheck(principal, 'Acknowledging your electronic signature');
  if (denied) return no(denied);
  if (textVersion !== ESIGNATURE_TEXT_VERSION)
    return no({
      code: 'esignature_text_outdated',
      message: `The acknowledgement you were shown (version ${textVersion}) is not the current one (version ${ESIGNATURE_TEXT_VERSION}); read the current text and acknowledge it`,
      details: { textVersion, current: ESIGNATURE_TEXT_VERSION },
    });
  const credential = await identity.store.credentialOf(principal.personId);
  if (credential?.accountKind !== 'personal')
    return no({ code: 'generic_account', message: 'A shared account cannot sign, so it has nothing to acknowledge', details: {} });
  const proven = await reauthenticate(identity, { personId: principal.personId, site: principal.site, purpose: 'esignature_acknowledgement' }, password);
  if (!proven.ok) return proven;
  const outcome = await executeCommand(identity.engine, 'person', principal.personId, { type: 'AcknowledgeESignature', data: { textVersion } }, actorOf(principal));
  if (!outcome.ok) return no(outcome.refusal);
  return { ok: true, textVersion };
}
