/** What admins ask of the register of sites. */
import type { Command } from './command.ts';

/** Adds a site (admin). Its people, equipment, lots and batches are then kept apart from other sites'. */
export type RegisterSite = Command<'RegisterSite', { readonly siteId: string; readonly name: string }>;

export type SiteCommand = RegisterSite;
