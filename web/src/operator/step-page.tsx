/**
 * The step screen an operator works in: what to do, what blocks it and why, the equipment to scan, the values
 * to record with their units and limits, the materials to dispense, and completing or verifying with a
 * signature. Every action is the server's to accept or refuse; a refusal shows its sentence here.
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import * as batches from '../api/batches.ts';
import { listEquipment, listLots } from '../api/resources.ts';
import type { EquipmentView, LotView, StepDefinition, StepView } from '../api/types.ts';
import { hasRole, usePerson } from '../session/session-context.tsx';
import { useLoad } from '../session/use-load.ts';
import { Badge, StepStatusBadge } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { dateTime, duration } from '../ui/format.ts';
import { Notice } from '../ui/notice.tsx';
import { Loading, PageHeader } from '../ui/page.tsx';
import { ProblemView } from '../ui/problem-view.tsx';
import { ErrorPage } from '../pages/error-pages.tsx';
import { ConsumePanel } from './consume-panel.tsx';
import { ProducedLotForm } from './produced-lot-form.tsx';
import { SignDialog, type SignRequest } from './sign-dialog.tsx';
import { StartPanel } from './start-panel.tsx';
import { useBatch } from './use-batch.ts';
import { ValueInput } from './value-input.tsx';

export function StepPage() {
  const { batchId = '', stepId = '' } = useParams();
  const person = usePerson();
  const loaded = useBatch(batchId, person.site);
  const [problem, setProblem] = useState<unknown>();
  const [done, setDone] = useState<string | undefined>();
  const [signing, setSigning] = useState<SignRequest | undefined>();
  const [produced, setProduced] = useState<batches.ProducedLot | undefined>();

  const step = loaded.data?.definition.steps.find((s) => s.id === stepId);
  const view = loaded.data?.batch.steps.find((s) => s.id === stepId);
  const resources = useLoad(() => loadResources(step, loaded.data?.definition.equipment ?? {}, batchId), [step?.id, batchId, view?.status]);

  /** Runs one command; a refusal stays on screen until the next action. */
  const run = async (what: string, command: () => Promise<unknown>): Promise<boolean> => {
    setProblem(undefined);
    setDone(undefined);
    try {
      await command();
      setDone(what);
      await loaded.reload();
      return true;
    } catch (error) {
      setProblem(error);
      await loaded.reload();
      return false;
    }
  };

  if (loaded.error !== undefined && loaded.data === undefined) return <ErrorPage error={loaded.error} />;
  if (loaded.data === undefined) return <Loading what="Loading the step" />;
  const { batch, definition } = loaded.data;
  if (step === undefined || view === undefined) return <ErrorPage error={new Error(`Batch ${batch.id} (${batch.procedure} v${batch.procedureVersion}) has no step "${stepId}".`)} />;

  const canPerform = hasRole(person, step.role);
  const canVerify = step.verify !== undefined && hasRole(person, step.verify);
  const performedByMe = view.performers.includes(person.personId);
  const fieldViews = new Map(view.fields.map((f) => [f.id, f]));
  const what = `${step.title}, batch ${batch.id}`;

  /** Signs when the procedure says so, else runs the command directly. */
  const complete = () => {
    const act = (signature?: batches.Signature) => batches.completeStep(batch.id, step.id, signature, produced);
    if (step.sign === undefined) return void run('Step completed.', () => act());
    setSigning({ meaning: step.sign, what, action: 'complete', sign: (password) => mustSucceed(act({ meaning: step.sign!, password }), () => void onSigned('Step completed and signed.')) });
  };
  const verify = () =>
    setSigning({ meaning: 'verified', what, action: 'verify', sign: (password) => mustSucceed(batches.verifyStep(batch.id, step.id, { meaning: 'verified', password }), () => void onSigned('Step verified and signed.')) });
  const onSigned = async (message: string) => {
    setProblem(undefined);
    setDone(message);
    await loaded.reload();
  };

  return (
    <div className="touch stack">
      <PageHeader
        crumbs={
          <>
            <Link to="/work">My work</Link> › <Link to={`/batches/${encodeURIComponent(batch.id)}`}>Batch {batch.id}</Link>
          </>
        }
        title={step.title}
        sub={
          <span className="row">
            <StepStatusBadge status={view.status} />
            <span>
              by {step.role}
              {step.verify !== undefined ? `, verified by a ${step.verify}` : ''}
              {step.sign !== undefined ? `, signed "${step.sign}"` : ''}
              {step.standardMs !== undefined ? ` · standard time ${duration(step.standardMs)}` : ''}
            </span>
          </span>
        }
      />

      {batch.holds.length > 0 && !view.blockedBy.some((b) => b.code.endsWith('on_hold')) ? (
        <Notice tone="bad" title="On hold:">
          {batch.holds.map((h) => `${h.id}${h.stepId ? ` (step ${h.stepId})` : ''}: ${h.reason}`).join(' · ')}
        </Notice>
      ) : null}

      {view.blockedBy.length > 0 ? (
        <section className="card attention stack" aria-labelledby="blocked-title" data-testid="blockers">
          <h2 id="blocked-title">Why this step cannot go on now</h2>
          <ul>
            {view.blockedBy.map((b) => (
              <li key={`${b.code}:${b.message}`} data-testid="blocker">
                {b.message} <Badge>{b.code}</Badge>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <div aria-live="assertive" data-testid="outcome">
        {problem !== undefined ? <ProblemView error={problem} /> : null}
        {done !== undefined && problem === undefined ? <Notice tone="ok">{done}</Notice> : null}
      </div>

      {step.instructions !== undefined ? (
        <section aria-labelledby="instructions-title">
          <h2 id="instructions-title">Instructions</h2>
          <div className="instructions">{step.instructions}</div>
        </section>
      ) : null}

      {!canPerform && view.status !== 'awaiting_verification' && view.status !== 'done' ? (
        <Notice tone="info">This step is done by a {step.role}; you can follow it here.</Notice>
      ) : null}

      {view.status === 'pending' ? (
        <StartPanel step={step} definition={definition} equipment={resources.data?.equipment ?? {}} disabled={!canPerform} onStart={async (equipment) => void (await run('Step started.', () => batches.startStep(batch.id, step.id, equipment)))} />
      ) : null}

      {view.status === 'in_progress' ? (
        <>
          {step.fields.length > 0 ? (
            <section className="stack" aria-labelledby="record-title">
              <h2 id="record-title">Record</h2>
              {step.fields.map((f) => (
                <ValueInput
                  key={f.id}
                  def={f}
                  view={fieldViews.get(f.id)}
                  disabled={!canPerform}
                  suggestions={f.type === 'lot' ? [...(resources.data?.lots.keys() ?? [])] : f.type === 'equipment' ? Object.values(view.equipment) : undefined}
                  onRecord={(value) => run(`${f.label}: recorded.`, () => batches.recordValue(batch.id, step.id, f.id, value))}
                />
              ))}
            </section>
          ) : null}
          {step.consume.length > 0 ? (
            <section className="stack" aria-labelledby="dispense-title">
              <h2 id="dispense-title">Dispense</h2>
              {step.consume.map((c) => (
                <ConsumePanel
                  key={c.material}
                  consume={c}
                  definition={definition}
                  view={view}
                  lots={resources.data?.lots ?? new Map()}
                  disabled={!canPerform}
                  onConsume={(consumption) => run(`${c.material}: dispensing recorded.`, () => batches.consumeMaterial(batch.id, step.id, consumption))}
                />
              ))}
            </section>
          ) : null}
          {step.produce !== undefined ? <ProducedLotForm step={step} value={produced} onChange={setProduced} /> : null}
          <section className="card stack" aria-labelledby="complete-title">
            <h2 id="complete-title">Complete</h2>
            <p className="muted">
              Started {dateTime(view.startedAt)}
              {Object.keys(view.equipment).length > 0 ? ` on ${Object.entries(view.equipment).map(([alias, id]) => `${id} (${alias})`).join(', ')}` : ''}.
              {step.sign !== undefined ? ' Completing asks for your signature.' : ''}
            </p>
            <div>
              <Button onClick={complete} disabled={!canPerform}>
                {step.sign !== undefined ? 'Complete and sign' : 'Complete step'}
              </Button>
            </div>
          </section>
        </>
      ) : null}

      {view.status === 'awaiting_verification' ? (
        <section className="card stack" aria-labelledby="verify-title">
          <h2 id="verify-title">Second-person verification</h2>
          <StepFacts view={view} step={step} />
          {performedByMe ? <Notice tone="warn">You took part in this step, so another {step.verify} must verify it.</Notice> : null}
          {!canVerify ? <Notice tone="info">A {step.verify} verifies this step.</Notice> : null}
          <div>
            <Button onClick={verify} disabled={!canVerify && !canPerform}>
              Verify and sign
            </Button>
          </div>
        </section>
      ) : null}

      {view.status === 'done' || view.status === 'skipped' ? (
        <section className="card good stack">
          <h2>{view.status === 'done' ? 'Done' : 'Skipped'}</h2>
          <StepFacts view={view} step={step} />
          <p>
            <Link to="/work">Back to my work</Link>
          </p>
        </section>
      ) : null}

      <SignDialog request={signing} onClose={() => setSigning(undefined)} />
    </div>
  );
}

/** A signed command: on success close the dialog and refresh; a refusal stays in the dialog. */
async function mustSucceed(command: Promise<unknown>, after: () => void): Promise<void> {
  await command;
  after();
}

function StepFacts({ view, step }: { readonly view: StepView; readonly step: StepDefinition }) {
  return (
    <dl className="small">
      <dt className="muted">Performed by</dt>
      <dd>{view.performers.join(', ') || '—'}</dd>
      <dt className="muted">Started · completed</dt>
      <dd>
        {dateTime(view.startedAt)} · {dateTime(view.completedAt)}
      </dd>
      {view.fields.length > 0 ? (
        <>
          <dt className="muted">Values</dt>
          <dd>
            {view.fields.map((f) => (
              <div key={f.id}>
                {f.label}: <strong>{f.value === undefined ? '—' : typeof f.value === 'object' ? `mean ${f.value.mean}` : String(f.value)}</strong> {f.unit ?? ''} {f.evaluation !== undefined ? `(${f.evaluation.replace('_', ' ')})` : ''}
              </div>
            ))}
          </dd>
        </>
      ) : null}
      {step.consume.length > 0 ? (
        <>
          <dt className="muted">Dispensed</dt>
          <dd>{Object.entries(view.consumed).map(([m, q]) => `${m}: ${q}`).join(', ') || '—'}</dd>
        </>
      ) : null}
    </dl>
  );
}

interface StepResources {
  readonly equipment: Record<string, Map<string, EquipmentView>>;
  readonly lots: Map<string, LotView>;
}

/** The equipment each slot can take (with readiness for the slot's requirements) and the site's lots. */
async function loadResources(step: StepDefinition | undefined, slots: Readonly<Record<string, { class: string; require: readonly string[] }>>, batchId: string): Promise<StepResources> {
  if (step === undefined) return { equipment: {}, lots: new Map() };
  const equipment: Record<string, Map<string, EquipmentView>> = {};
  const byRequirement = new Map<string, Promise<EquipmentView[]>>();
  for (const alias of step.uses) {
    const require = (slots[alias]?.require ?? []).join(',');
    if (!byRequirement.has(require)) byRequirement.set(require, listEquipment(require || undefined, batchId));
    equipment[alias] = new Map((await byRequirement.get(require)!).map((e) => [e.id, e]));
  }
  const needsLots = step.consume.length > 0 || step.fields.some((f) => f.type === 'lot');
  const lots = needsLots ? new Map((await listLots()).map((l) => [l.id, l])) : new Map<string, LotView>();
  return { equipment, lots };
}

