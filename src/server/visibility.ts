/**
 * What a principal may see: the records of the site they signed in at. A record of another site answers
 * exactly as one that does not exist (404), so nothing tells a caller what other sites hold.
 */
import type { Engine } from '../engine/engine.ts';
import type { Snapshot } from '../engine/snapshots.ts';
import type { PersonState } from '../domain/resources/person-state.ts';
import type { ProcedureState } from '../domain/procedure/lifecycle.ts';
import { problemError } from './problem.ts';

type SiteKind = 'batch' | 'equipment' | 'lot';
const WORDS: Record<SiteKind, string> = { batch: 'batch', equipment: 'equipment', lot: 'lot' };

/** Whether a site-bound record exists and belongs to `site`. */
export function atSite(snapshot: Snapshot<{ readonly site: string }>, site: string): boolean {
  return snapshot.version > 0 && snapshot.state.site === site;
}

/** Loads a batch, piece of equipment or lot of the principal's site, or answers 404. */
export async function loadAtSite<S extends { readonly site: string }>(engine: Engine, kind: SiteKind, id: string, site: string): Promise<Snapshot<S>> {
  const snapshot = await engine.load<S>(kind, id);
  if (!atSite(snapshot, site)) throw problemError(404, 'not_found', `There is no ${WORDS[kind]} ${id} at site ${site}.`, { details: { kind, id, site } });
  return snapshot;
}

/**
 * People work at the sites where they hold roles. Someone just registered holds none yet, and is visible
 * at every site so that an admin there can give them their first role.
 */
export function personVisibleAt(person: PersonState, site: string): boolean {
  if (!person.registered) return false;
  return (person.roles[site]?.length ?? 0) > 0 || Object.keys(person.roles).length === 0;
}

export async function loadPerson(engine: Engine, id: string, site: string): Promise<Snapshot<PersonState>> {
  const snapshot = await engine.load<PersonState>('person', id);
  if (!personVisibleAt(snapshot.state, site)) throw problemError(404, 'not_found', `There is no person ${id} at site ${site}.`, { details: { kind: 'person', id, site } });
  return snapshot;
}

/** Procedures are shared by every site (one definition, distributed); one that was never drafted is 404. */
export async function loadProcedure(engine: Engine, code: string): Promise<Snapshot<ProcedureState>> {
  const snapshot = await engine.load<ProcedureState>('procedure', code);
  if (snapshot.version === 0) throw problemError(404, 'not_found', `There is no procedure ${code}.`, { details: { kind: 'procedure', id: code } });
  return snapshot;
}
