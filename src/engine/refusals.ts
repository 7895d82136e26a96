/**
 * Refused attempts are records too: who tried what, on what, when, and why it was refused. They are the
 * "prevented errors" figure, counted per site and reason code as they happen.
 */
import type { Actor, DomainEvent } from '../domain/shared/decider.ts';
import type { Refusal } from '../domain/shared/refusal.ts';
import type { NewEvent, Projector } from '../store/event-store.ts';

export interface CommandRefusedData {
  /** The stream the command was for, e.g. "batch-B-0141". */
  readonly subject: string;
  readonly command: string;
  readonly input: unknown;
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly site: string;
  readonly roles: readonly string[];
}

export interface PreventedErrors {
  readonly total: number;
  readonly byCode: Readonly<Record<string, number>>;
}

/** One stream of refusals per site: written with 'any' version, so it never conflicts. */
export function refusalStream(site: string): string {
  return `refusals-${site}`;
}

export function refusalEvent(subject: string, command: DomainEvent, refusal: Refusal, actor: Actor): NewEvent {
  const data: CommandRefusedData = {
    subject,
    command: command.type,
    input: command.data,
    code: refusal.code,
    message: refusal.message,
    details: refusal.details,
    site: actor.site,
    roles: actor.roles,
  };
  return { type: 'CommandRefused', data };
}

/** Keeps the per-site count of prevented errors by reason code. */
export const refusalProjector: Projector = async (tx, events) => {
  for (const e of events) {
    if (e.type !== 'CommandRefused') continue;
    const { site, code } = e.data as CommandRefusedData;
    const doc = (await tx.get<PreventedErrors>('prevented-errors', site)) ?? { total: 0, byCode: {} };
    await tx.put('prevented-errors', site, { total: doc.total + 1, byCode: { ...doc.byCode, [code]: (doc.byCode[code] ?? 0) + 1 } });
  }
};
