import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../store/event-store.ts';
import type { Principal } from '../principal.ts';
import type { Role } from '../../domain/resources/roles.ts';
import { EventScopes } from './event-scope.ts';
import { shouldSend } from './stream-filter.ts';

const event = (streamId: string, type = 'Something', data: unknown = {}): RecordedEvent => ({
  globalPosition: 1,
  streamId,
  streamPosition: 1,
  type,
  data,
  actor: 'x',
  recordedAt: '2026-11-25T06:00:00.000Z',
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
});
const DOCS: Record<string, unknown> = {
  'batch/B-1': { state: { site: 'A' } },
  'deviation/B-1-D1': { state: { facts: { site: 'A', batchId: 'B-1' } } },
  'equipment/P-01': { state: { site: 'B' } },
  'person/sam': { state: { roles: { A: ['supervisor'], C: ['qa'] } } },
};
function scopes() {
  const reads: string[] = [];
  const s = new EventScopes({ getDocument: async <T,>(collection: string, id: string) => (reads.push(`${collection}/${id}`), DOCS[`${collection}/${id}`] as T | undefined) });
  return { s, reads };
}
const at = (site: string, ...roles: Role[]): Principal => ({ personId: 'p', username: 'p', name: 'p', site, roles, via: 'session' });

describe('which site an event belongs to', () => {
  it('reads the site of batches, deviations and equipment from their snapshots, once per stream', async () => {
    const { s, reads } = scopes();
    expect(await s.scopeOf(event('batch-B-1'))).toEqual({ kind: 'batch', id: 'B-1', sites: ['A'], batchId: 'B-1' });
    await s.scopeOf(event('batch-B-1'));
    expect(reads.filter((r) => r === 'batch/B-1')).toHaveLength(1);
    expect(await s.scopeOf(event('deviation-B-1-D1'))).toEqual({ kind: 'deviation', id: 'B-1-D1', sites: ['A'], batchId: 'B-1' });
    expect(await s.scopeOf(event('equipment-P-01'))).toEqual({ kind: 'equipment', id: 'P-01', sites: ['B'] });
  });

  it("takes a refusal's site from its stream and its batch from its subject", async () => {
    const { s } = scopes();
    expect(await s.scopeOf(event('refusals-A', 'CommandRefused', { subject: 'batch-B-7' }))).toEqual({ kind: 'refusal', id: 'A', sites: ['A'], batchId: 'B-7' });
  });

  it("places a person at every site of their roles and the site the event names; procedures everywhere", async () => {
    const { s } = scopes();
    expect(await s.scopeOf(event('person-sam', 'RoleGranted', { site: 'D' }))).toEqual({ kind: 'person', id: 'sam', sites: ['A', 'C', 'D'] });
    expect(await s.scopeOf(event('procedure-PX10'))).toEqual({ kind: 'procedure', id: 'PX10', sites: 'all' });
  });

  it('places nothing it does not understand, and nothing without a snapshot', async () => {
    const { s } = scopes();
    expect(await s.scopeOf(event('session-abc'))).toBeUndefined();
    expect(await s.scopeOf(event('nodash'))).toBeUndefined();
    expect(await s.scopeOf(event('batch-UNKNOWN'))).toBeUndefined();
  });
});

describe('who is sent what', () => {
  const batchAtA = { kind: 'batch' as const, id: 'B-1', sites: ['A'], batchId: 'B-1' };
  it('sends an event to a reader at its site only', () => {
    expect(shouldSend(at('A', 'operator'), batchAtA, {})).toBe(true);
    expect(shouldSend(at('B', 'operator'), batchAtA, {})).toBe(false);
    expect(shouldSend(at('A', 'maintenance'), batchAtA, {})).toBe(false);
    expect(shouldSend(at('A', 'admin'), batchAtA, {})).toBe(false);
  });

  it("keeps people's records to those who manage people", () => {
    const person = { kind: 'person' as const, id: 'sam', sites: ['A'] };
    expect(shouldSend(at('A', 'operator'), person, {})).toBe(false);
    expect(shouldSend(at('A', 'supervisor'), person, {})).toBe(true);
  });

  it('applies the batch and kind filters', () => {
    expect(shouldSend(at('A', 'qa'), batchAtA, { batch: 'B-2' })).toBe(false);
    expect(shouldSend(at('A', 'qa'), batchAtA, { batch: 'B-1', kinds: ['batch'] })).toBe(true);
    expect(shouldSend(at('A', 'qa'), batchAtA, { kinds: ['refusal'] })).toBe(false);
    expect(shouldSend(at('Z', 'engineer'), { kind: 'procedure', id: 'PX10', sites: 'all' }, {})).toBe(true);
  });
});
