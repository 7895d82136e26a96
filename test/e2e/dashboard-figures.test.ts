/** The leader's figures from the batches the API returns (web/src/leader/figures.ts). */
import { describe, expect, it } from 'vitest';
import type { BatchView, ProcedureDefinition, StepView } from '../../web/src/api/types.ts';
import { cycleTimeMs, delays, firstPassYield, lineOf, meanAndCv } from '../../web/src/leader/figures.ts';

const step = (id: string, over: Partial<StepView> = {}): StepView => ({ id, title: id, role: 'operator', status: 'pending', performers: [], equipment: {}, consumed: {}, fields: [], blockedBy: [], ...over });
const batch = (steps: StepView[], over: Partial<BatchView> = {}): BatchView => ({ id: 'B-1', site: 'S', procedure: 'P', procedureVersion: 1, status: 'in_progress', holds: [], deviations: [], steps, version: 1, ...over });
const MIN = 60_000;

describe('dashboard figures', () => {
  it('puts a batch on the line its equipment names, or on none', () => {
    expect(lineOf(batch([step('a', { equipment: { press: 'L2-P-01' } })]))).toBe('L2');
    expect(lineOf(batch([step('a', { equipment: { press: 'P-01' } })]))).toBe('—');
    expect(lineOf(batch([step('a')]))).toBe('—');
  });

  it('lists the steps running past their standard time, the latest first', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    const definition = { steps: [{ id: 'a', standardMs: 15 * MIN }, { id: 'b', standardMs: 60 * MIN }, { id: 'c', standardMs: 10 * MIN }] } as unknown as ProcedureDefinition;
    const b = batch([
      step('a', { status: 'in_progress', startedAt: '2026-11-25T11:30:00Z' }),
      step('b', { status: 'in_progress', startedAt: '2026-11-25T11:30:00Z' }),
      step('c', { status: 'in_progress', startedAt: '2026-11-25T10:00:00Z' }),
    ]);
    const late = delays([b], new Map([['P@1', definition]]), now);
    expect(late.map((d) => d.step.id)).toEqual(['c', 'a']);
    expect(delays([{ ...b, status: 'completed' }], new Map([['P@1', definition]]), now)).toEqual([]);
  });

  it('counts first-pass yield over completed batches without a deviation', () => {
    expect(firstPassYield([])).toBeUndefined();
    expect(firstPassYield([{ deviations: [] }, { deviations: ['B-2-D1'] }, { deviations: [] }, { deviations: [] }])).toBe(0.75);
  });

  it('measures cycle time from the first start to the last completion, with its variation', () => {
    const b = batch([step('a', { startedAt: '2026-11-25T08:00:00Z', completedAt: '2026-11-25T09:00:00Z' }), step('b', { startedAt: '2026-11-25T09:10:00Z', completedAt: '2026-11-25T10:30:00Z' })]);
    expect(cycleTimeMs(b)).toBe(150 * MIN);
    expect(cycleTimeMs(batch([step('a')]))).toBeUndefined();
    expect(meanAndCv([10, 10, 10])).toEqual({ mean: 10, cv: 0 });
    expect(meanAndCv([8, 12])!.cv).toBeCloseTo(0.2);
    expect(meanAndCv([])).toBeUndefined();
  });
});
