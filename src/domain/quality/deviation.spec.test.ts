/**
 * Deviations, given / when / then: reported by a person (on the batch record too, holding what it asks
 * to) or raised by execution; triaged by someone with authority for its severity, never by who raised it;
 * investigated by the named investigator; given a disposition; closed by QA once both are there, never by
 * who investigated it. One named case per refusal code.
 */
import { describe, expect, it } from 'vitest';
import type { DecisionSignature } from '../decisions/decision-events.ts';
import { versioned } from '../execution/test-batches.ts';
import type { DeviationCommand } from './deviation-commands.ts';
import { decideDeviation, type DeviationContext } from './deviation-decider.ts';
import type { DeviationEvent } from './deviation-events.ts';
import { evolveDeviation, hasDisposition, initialDeviationState } from './deviation-state.ts';
import { at, contextOf, spec, T0, who } from './test-quality.ts';
import type { Actor } from '../shared/decider.ts';

const deviations = spec(decideDeviation, evolveDeviation, initialDeviationState);
const ctx = (a: Actor, hours = 0, extra: Partial<DeviationContext> = {}): DeviationContext => ({ ...contextOf(a, at(hours)), ...extra });

const signature = (a: Actor, outcome: string, meaning: 'reviewed' | 'approved' = 'reviewed'): DecisionSignature => ({ meaning, by: a.id, name: a.name, at: at(1), outcome });

const raised: DeviationEvent = {
  type: 'DeviationRaised',
  data: {
    deviationId: 'B-1-D1',
    batchId: 'B-1',
    site: 'S1',
    procedure: 'PX10-COMPRESSION',
    version: 2,
    stepId: 'compress',
    fieldId: 'hardness',
    severity: 'major',
    group: 'critical-value',
    hold: 'batch',
    message: 'Hardness in "Compress tablets" is out of specification: mean 7.2 kP',
    raisedAt: T0,
    detectedBy: 'u-olivia',
  },
};
const reportedMinor: DeviationEvent = {
  type: 'DeviationReported',
  data: { deviationId: 'DEV-9', site: 'S1', severity: 'minor', category: 'documentation', description: 'Logbook entry made a day late', hold: 'none', reportedBy: 'u-sam', reportedAt: T0 },
};
const triage = (over: Record<string, unknown> = {}): DeviationCommand => ({
  type: 'TriageDeviation',
  data: { severity: 'major', category: 'critical-value', impact: 'tablets of round 2 segregated', investigator: 'u-erin', decisionId: 'triage-B-1-D1', signatures: [signature(who.quinn, 'triaged')], ...over },
});
const triaged: DeviationEvent = {
  type: 'DeviationTriaged',
  data: {
    deviationId: 'B-1-D1',
    severity: 'major',
    previousSeverity: 'major',
    category: 'critical-value',
    impact: 'tablets of round 2 segregated',
    investigator: 'u-erin',
    decisionId: 'triage-B-1-D1',
    signatures: [signature(who.quinn, 'triaged')],
    by: 'u-quinn',
    at: at(1),
  },
};
const investigation: DeviationCommand = { type: 'RecordInvestigation', data: { rootCause: 'Set-up sheet does not ask to check the compression force', rootCauseCategory: 'method' } };
const investigated: DeviationEvent = {
  type: 'InvestigationRecorded',
  data: { deviationId: 'B-1-D1', rootCause: 'Set-up sheet does not ask to check the compression force', rootCauseCategory: 'method', by: 'u-erin', at: at(2) },
};
const disposition = (d = 'continue', signer: Actor = who.quinn): DeviationCommand => ({
  type: 'DecideDisposition',
  data: { disposition: d, rationale: 'press adjusted, round 2 segregated', decisionId: 'disposition-B-1-D1', signatures: [signature(signer, d, 'approved')] },
});
const dispositioned: DeviationEvent = {
  type: 'DispositionDecided',
  data: { deviationId: 'B-1-D1', disposition: 'continue', rationale: 'press adjusted, round 2 segregated', decisionId: 'disposition-B-1-D1', signatures: [signature(who.quinn, 'continue', 'approved')], by: 'u-quinn', at: at(3) },
};
const close: DeviationCommand = { type: 'CloseDeviation', data: { summary: 'Set-up sheet revised under CC-7', signature: { meaning: 'approved', recordHash: 'h-9' } } };

describe('a deviation raised by execution', () => {
  it('is open with the facts of the exception, its category the exception group', () => {
    const state = deviations.given([raised]).state;
    expect(state).toMatchObject({ status: 'open', id: 'B-1-D1', batchId: 'B-1', stepId: 'compress', fieldId: 'hardness', severity: 'major', category: 'critical-value', raisedBy: 'u-olivia', hold: 'batch' });
    expect(hasDisposition(state)).toBe(false);
  });

  it('walks triage → investigation → disposition → closure, each status in turn', () => {
    deviations.given([raised]).when(triage(), ctx(who.quinn, 1)).thenEvents([triaged]);
    deviations.given([raised, triaged]).when(investigation, ctx(who.erin, 2)).thenEvents([investigated]);
    deviations.given([raised, triaged, investigated]).when(disposition(), ctx(who.quinn, 3)).thenEvents([dispositioned]);
    const closed = deviations.given([raised, triaged, investigated, dispositioned]).when(close, ctx(who.quentin, 4)).events();
    expect(closed).toEqual([
      {
        type: 'DeviationClosed',
        data: { deviationId: 'B-1-D1', summary: 'Set-up sheet revised under CC-7', signature: { meaning: 'approved', by: 'u-quentin', name: 'Quentin QA', at: at(4), recordHash: 'h-9' }, by: 'u-quentin', at: at(4) },
      },
    ]);
    expect([[raised], [raised, triaged], [raised, triaged, investigated], [raised, triaged, investigated, dispositioned], [raised, triaged, investigated, dispositioned, ...closed]].map((es) => deviations.given(es).state.status)).toEqual([
      'open',
      'triaged',
      'investigated',
      'dispositioned',
      'closed',
    ]);
  });

  it('may get its disposition before the investigation ends (the batch waits for it, the root cause need not)', () => {
    const early = deviations.given([raised, triaged]).when(disposition('reject_batch'), ctx(who.quinn, 2)).events();
    expect(early[0]).toMatchObject({ type: 'DispositionDecided', data: { disposition: 'reject_batch' } });
    expect(hasDisposition(deviations.given([raised, triaged, ...early]).state)).toBe(true);
    deviations.given([raised, triaged, ...early]).when(close, ctx(who.quentin, 4)).thenRefused('not_ready_to_close');
  });

  it('triage may change severity and category; the new severity decides who may triage', () => {
    const events = deviations.given([reportedMinor]).when(triage({ severity: 'minor', category: 'procedure' }), ctx(who.quinn)).events();
    expect(deviations.given([reportedMinor, ...events]).state).toMatchObject({ severity: 'minor', category: 'procedure', status: 'triaged' });
    deviations.given([{ ...reportedMinor, data: { ...(reportedMinor.data as object), reportedBy: 'u-olivia' } } as DeviationEvent]).when(triage({ severity: 'minor', category: 'documentation' }), ctx(who.sam)).events();
    // A supervisor takes minor deviations, but raising one to major is QA's call.
    deviations.given([{ ...reportedMinor, data: { ...(reportedMinor.data as object), reportedBy: 'u-olivia' } } as DeviationEvent]).when(triage({ severity: 'major' }), ctx(who.sam)).thenRefused('role_not_permitted');
  });
});

describe('a deviation reported by a person', () => {
  const batch = versioned('created');
  const report = (over: Record<string, unknown> = {}): DeviationCommand => ({
    type: 'RaiseDeviation',
    data: { deviationId: 'DEV-1', site: 'S1', batchId: 'B-1', stepId: 'compress', severity: 'major', category: 'equipment', description: 'Press P-01 squeaks at 40 rpm', hold: 'step', ...over },
  });

  it('goes on the batch record and holds the step, in the same decision', () => {
    deviations.given([]).when(report(), ctx(who.olivia, 0, { batch })).thenEvents(
      [
        {
          type: 'DeviationReported',
          data: { deviationId: 'DEV-1', site: 'S1', batchId: 'B-1', procedure: 'PX10-COMPRESSION', version: 2, stepId: 'compress', severity: 'major', category: 'equipment', description: 'Press P-01 squeaks at 40 rpm', hold: 'step', reportedBy: 'u-olivia', reportedAt: T0 },
        },
      ],
      [
        {
          streamId: 'batch-B-1',
          expectedVersion: batch.version,
          events: [
            { type: 'DeviationNoted', data: { deviationId: 'DEV-1', stepId: 'compress', severity: 'major', description: 'Press P-01 squeaks at 40 rpm', by: 'u-olivia' } },
            { type: 'HoldPlaced', data: { holdId: 'H1', stepId: 'compress', reason: 'major deviation DEV-1: Press P-01 squeaks at 40 rpm', deviationId: 'DEV-1', by: 'u-olivia' } },
          ],
        },
      ],
    );
  });

  it('without a batch it stands alone', () => {
    const then = deviations.given([]).when(report({ batchId: undefined, stepId: undefined, hold: undefined }), ctx(who.sam));
    expect(then.events().map((e) => e.type)).toEqual(['DeviationReported']);
    expect(then.also()).toEqual([]);
  });

  it.each([
    ['deviation_exists', [reportedMinor], report({ deviationId: 'DEV-9' }), who.olivia, {}],
    ['role_not_permitted', [], report(), who.hank, { batch }],
    ['site_mismatch', [], report(), who.sven, { batch }],
    ['batch_not_found', [], report(), who.olivia, {}],
    ['step_not_found', [], report({ stepId: 'polish' }), who.olivia, { batch }],
    ['invalid_value', [], report({ description: 'bad' }), who.olivia, { batch }],
    ['invalid_value', [], report({ category: 'vibes' }), who.olivia, { batch }],
    ['invalid_value', [], report({ batchId: undefined }), who.olivia, {}],
  ] as const)('is refused with %s', (code, given, command, actor, extra) => {
    deviations.given(given).when(command, ctx(actor, 0, extra)).thenRefused(code);
  });
});

describe('refusals along the lifecycle', () => {
  it.each([
    ['deviation_not_found', [], triage(), who.quinn],
    ['site_mismatch', [raised], triage(), who.sven],
    ['self_approval', [{ ...raised, data: { ...(raised.data as object), detectedBy: 'u-quinn' } } as DeviationEvent], triage(), who.quinn],
    ['role_not_permitted', [raised], triage(), who.sam],
    ['invalid_transition', [raised, triaged], triage(), who.quinn],
    ['invalid_value', [raised], triage({ investigator: '' }), who.quinn],
    ['signature_required', [raised], triage({ signatures: [] }), who.quinn],
    ['not_triaged', [raised], investigation, who.erin],
    ['not_investigator', [raised, triaged], investigation, who.quinn],
    ['invalid_value', [raised, triaged], { type: 'RecordInvestigation', data: { rootCause: 'The press was not set up right', rootCauseCategory: 'gremlins' } }, who.erin],
    ['not_triaged', [raised], disposition(), who.quinn],
    ['self_approval', [{ ...raised, data: { ...(raised.data as object), detectedBy: 'u-quinn' } } as DeviationEvent, triaged], disposition(), who.quinn],
    ['role_not_permitted', [raised, triaged], disposition(), who.sam],
    ['invalid_value', [raised, triaged], disposition('shrug'), who.quinn],
    ['invalid_transition', [raised, triaged, dispositioned], disposition(), who.quinn],
    ['not_ready_to_close', [raised, triaged], close, who.quinn],
    ['role_not_permitted', [raised, triaged, investigated, dispositioned], close, who.sam],
    ['self_approval', [raised, { ...triaged, data: { ...(triaged.data as object), investigator: 'u-quentin' } } as DeviationEvent, { ...investigated, data: { ...(investigated.data as object), by: 'u-quentin' } } as DeviationEvent, dispositioned], close, who.quentin],
    ['signature_required', [raised, triaged, investigated, dispositioned], { type: 'CloseDeviation', data: { summary: 'Set-up sheet revised' } }, who.quinn],
  ] as const)('%s', (code, given, command, actor) => {
    deviations.given(given).when(command as DeviationCommand, ctx(actor, 5)).thenRefused(code);
  });

  it('a closed deviation takes nothing more (deviation_closed)', () => {
    const closed = deviations.given([raised, triaged, investigated, dispositioned]).when(close, ctx(who.quentin, 4)).events();
    deviations.given([raised, triaged, investigated, dispositioned, ...closed]).when(close, ctx(who.quinn, 5)).thenRefused('deviation_closed');
  });

  it('links to the CAPAs opened from it, each once', () => {
    const link: DeviationCommand = { type: 'LinkCapa', data: { capaId: 'CAPA-1' } };
    const events = deviations.given([raised]).when(link, ctx(who.quinn)).events();
    expect(deviations.given([raised, ...events]).state.capas).toEqual(['CAPA-1']);
    deviations.given([raised, ...events]).when(link, ctx(who.quinn)).thenRefused('invalid_transition');
  });
});
