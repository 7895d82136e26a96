/**
 * The rules for sites: only an admin adds one, and a site id is written the way it appears in URLs, stream
 * names and on labels (letters, digits, '.', '_' and '-').
 */
import type { Decider, DecisionContext } from '../shared/decider.ts';
import type { Decision } from '../shared/refusal.ts';
import { accept, refuse } from '../shared/refusal.ts';
import { deny, firstRefusal, invalid, requireText } from './inputs.ts';
import { roleCheck } from './roles.ts';
import type { SiteCommand } from './site-commands.ts';
import type { SiteEvent } from './site-events.ts';
import { evolveSite, initialSiteState, type SiteState } from './site-state.ts';

const SITE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Decides one site command: its events, or why not. */
export function decideSite(state: SiteState, command: SiteCommand, context: DecisionContext): Decision<SiteEvent> {
  const { siteId, name } = command.data;
  const bad = firstRefusal(
    roleCheck(context.actor.roles, ['admin'], 'Registering a site'),
    requireText('siteId', siteId, 'The site id'),
    typeof siteId === 'string' && siteId.trim() !== '' && !SITE_ID.test(siteId)
      ? invalid('siteId', `A site id has letters, digits, '.', '_' and '-' only, at most 64 of them, and starts with a letter or digit; got "${siteId}"`, siteId)
      : undefined,
    requireText('name', name, 'The site name'),
  );
  if (bad) return deny(bad);
  if (state.registered) return refuse('already_registered', `Site ${state.id} (${state.name}) is already registered`, { siteId: state.id });
  return accept({ type: 'SiteRegistered', data: { siteId, name: name.trim(), registeredBy: context.actor.id } });
}

/** The site decider. */
export const siteDecider: Decider<SiteState, SiteCommand, SiteEvent> = {
  initialState: initialSiteState,
  decide: decideSite,
  evolve: evolveSite,
};
