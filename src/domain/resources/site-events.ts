/** What happened to a site. */
import type { DomainEvent } from '../shared/decider.ts';

export type SiteRegistered = DomainEvent<'SiteRegistered', { readonly siteId: string; readonly name: string; readonly registeredBy: string }>;

export type SiteEvent = SiteRegistered;
