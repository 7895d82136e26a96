/**
 * What an event is about and which site it belongs to, so the live stream never sends a principal what
 * their site may not see. The rule, by stream:
 *
 *  - batch-<id>, deviation-<id>, equipment-<id>, lot-<id>: the site in the entity's snapshot (a site never
 *    changes, so it is cached);
 *  - refusals-<site>: that site;
 *  - person-<id>: every site where the person holds a role now, and the site the event itself names
 *    (a role granted or revoked there);
 *  - procedure-<code>: every site (procedures are master data, not bound to a site);
 *  - any other stream: no site, so never sent (what is not understood is not shown).
 */
import type { EventStore, RecordedEvent } from '../../store/event-store.ts';

export const STREAM_KINDS = ['batch', 'deviation', 'equipment', 'lot', 'person', 'procedure', 'refusal'] as const;
export type StreamKind = (typeof STREAM_KINDS)[number];

export interface EventScope {
  readonly kind: StreamKind;
  /** The entity's id (the site, for refusals). */
  readonly id: string;
  /** Sites that may see it; 'all' for master data. */
  readonly sites: readonly string[] | 'all';
  /** The batch the event concerns, when it concerns one. */
  readonly batchId?: string;
}

type SiteBound = 'batch' | 'deviation' | 'equipment' | 'lot';
const SITE_BOUND: readonly SiteBound[] = ['batch', 'deviation', 'equipment', 'lot'];

interface Fixed {
  readonly site: string;
  readonly batchId?: string;
}

/** Where the snapshot of each site-bound kind keeps its site (and, for a deviation, its batch). */
function fixedOf(kind: SiteBound, id: string, doc: unknown): Fixed | undefined {
  const state = (doc as { state?: Record<string, unknown> } | undefined)?.state;
  if (kind === 'deviation') {
    const facts = state?.facts as { site?: unknown; batchId?: unknown } | undefined;
    return typeof facts?.site === 'string' ? { site: facts.site, ...(typeof facts.batchId === 'string' ? { batchId: facts.batchId } : {}) } : undefined;
  }
  const site = state?.site;
  if (typeof site !== 'string' || site === '') return undefined;
  return kind === 'batch' ? { site, batchId: id } : { site };
}

/** Resolves events to scopes, reading snapshots through a bounded cache. */
export class EventScopes {
  private readonly store: Pick<EventStore, 'getDocument'>;
  private readonly cache = new Map<string, Fixed>();
  private readonly maxCached: number;

  constructor(store: Pick<EventStore, 'getDocument'>, maxCached = 10_000) {
    this.store = store;
    this.maxCached = maxCached;
  }

  /** The event's scope, or undefined when it belongs to no site anyone may see. */
  async scopeOf(event: RecordedEvent): Promise<EventScope | undefined> {
    const { streamId } = event;
    const dash = streamId.indexOf('-');
    if (dash < 0) return undefined;
    const prefix = streamId.slice(0, dash);
    const id = streamId.slice(dash + 1);
    if (prefix === 'refusals') {
      const subject = (event.data as { subject?: unknown } | null)?.subject;
      const batchId = typeof subject === 'string' && subject.startsWith('batch-') ? subject.slice('batch-'.length) : undefined;
      return { kind: 'refusal', id, sites: [id], ...(batchId !== undefined ? { batchId } : {}) };
    }
    if (prefix === 'procedure') return { kind: 'procedure', id, sites: 'all' };
    if (prefix === 'person') {
      // Roles change, so a person's sites are read afresh; person events are rare.
      const doc = await this.store.getDocument<{ state?: { roles?: Record<string, unknown> } }>('person', id);
      const sites = new Set(Object.keys(doc?.state?.roles ?? {}));
      const named = (event.data as { site?: unknown } | null)?.site;
      if (typeof named === 'string') sites.add(named);
      return { kind: 'person', id, sites: [...sites] };
    }
    if (!(SITE_BOUND as readonly string[]).includes(prefix)) return undefined;
    const kind = prefix as SiteBound;
    let fixed = this.cache.get(streamId);
    if (fixed === undefined) {
      fixed = fixedOf(kind, id, await this.store.getDocument(kind, id));
      if (fixed === undefined) return undefined;
      if (this.cache.size >= this.maxCached) this.cache.clear();
      this.cache.set(streamId, fixed);
    }
    return { kind, id, sites: [fixed.site], ...(fixed.batchId !== undefined ? { batchId: fixed.batchId } : {}) };
  }
}
