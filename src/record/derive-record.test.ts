/**
 * The derivation alone, on the domain's test procedure: a conditional step skipped with its condition,
 * printed names from registration events, and a record that cannot be derived without its batch.
 */
import { describe, expect, it } from 'vitest';
import type { BatchEvent } from '../domain/execution/batch-events.ts';
import { cmd, emptyScenario, hardness, perform } from '../domain/execution/test-world.ts';
import { people } from '../domain/execution/test-resources.ts';
import { deriveRecord } from './derive-record.ts';
import type { RecordEvent } from './record-schema.ts';

const at = (hhmm: string) => `2026-11-24T${hhmm}:00.000Z`;
const { operator, supervisor } = people;
let s = perform(emptyScenario, cmd.create(), supervisor, at('08:00'));
s = perform(s, cmd.start('line-clearance'), operator, at('08:05'));
s = perform(s, cmd.record('line-clearance', 'area_clear', true), operator, at('08:06'));
s = perform(s, cmd.complete('line-clearance'), operator, at('08:10'));
s = perform(s, cmd.verify('line-clearance'), supervisor, at('08:12'));
s = perform(s, cmd.start('charge'), operator, at('08:15'));
s = perform(s, cmd.consume('L-REL', 25), operator, at('08:20'));
s = perform(s, cmd.complete('charge'), operator, at('08:25'));
s = perform(s, cmd.start('compress', { press: 'P-01' }), operator, at('09:00'));
s = perform(s, cmd.record('compress', 'hardness', hardness(10)), operator, at('09:30'));
s = perform(s, cmd.complete('compress'), operator, at('10:00'));

/** The batch's events as a record holds them, with the registration of the operator (hashes do not matter here). */
function recordEvents(events: readonly BatchEvent[]): RecordEvent[] {
  const row = (globalPosition: number, streamId: string, streamPosition: number, type: string, data: unknown, actor: string): RecordEvent => ({
    globalPosition,
    streamId,
    streamPosition,
    type,
    data,
    actor,
    recordedAt: at('08:00'),
    prevHash: '0'.repeat(64),
    hash: '0'.repeat(64),
  });
  return [
    row(1, `person-${operator.id}`, 1, 'PersonRegistered', { personId: operator.id, username: 'olivia', name: operator.name }, 'system:setup'),
    ...events.map((e, i) => row(i + 2, 'batch-B-1', i + 1, e.type, e.data, 'by' in (e.data as object) ? (e.data as { by: string }).by : supervisor.id)),
  ];
}

describe('deriveRecord', () => {
  it('shows a conditional step that did not apply as skipped, with its condition', () => {
    const record = deriveRecord('B-1', recordEvents(s.events));
    const extra = record.sections.flatMap((x) => x.steps).find((step) => step.id === 'extra-test')!;
    expect(extra).toMatchObject({ status: 'skipped', condition: 'hardness.mean > 11.0', skipped: { condition: 'hardness.mean > 11.0' }, started: null });
    expect(extra.skipped!.reason).toMatch(/is false/);
  });

  it('names people by their registration, and leaves names it cannot know empty', () => {
    const record = deriveRecord('B-1', recordEvents(s.events));
    const lc = record.sections[0]!.steps[0]!;
    expect(lc.fields[0]!.entries[0]).toMatchObject({ by: operator.id, name: operator.name });
    expect(record.people).toEqual([{ id: operator.id, name: operator.name, position: 1 }]);
    expect(record.header.created).toMatchObject({ id: supervisor.id, name: null });
  });

  it('takes the events in any order, and refuses events without the batch', () => {
    const events = recordEvents(s.events);
    expect(deriveRecord('B-1', [...events].reverse())).toEqual(deriveRecord('B-1', events));
    expect(() => deriveRecord('B-2', events)).toThrow(/do not begin batch B-2/);
  });
});
