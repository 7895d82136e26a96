/** A site as its events leave it. */
import type { SiteEvent } from './site-events.ts';

export interface SiteState {
  readonly registered: boolean;
  readonly id: string;
  readonly name: string;
}

export const initialSiteState: SiteState = { registered: false, id: '', name: '' };

/** Applies one event. Total and pure: it never refuses (decide already did). */
export function evolveSite(state: SiteState, event: SiteEvent): SiteState {
  switch (event.type) {
    case 'SiteRegistered':
      return { registered: true, id: event.data.siteId, name: event.data.name };
  }
}
