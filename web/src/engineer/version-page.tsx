/**
 * One procedure version: its lifecycle (submit, approve, make effective, retire — the server decides who
 * may), the flow of its steps as a graph, what each step records with units and limits, and its source.
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { getVersion, lifecycle, type LifecycleAction } from '../api/procedures.ts';
import type { StepDefinition, VersionStatus } from '../api/types.ts';
import { useLoad } from '../session/use-load.ts';
import { Button } from '../ui/button.tsx';
import { dateTime, duration, range } from '../ui/format.ts';
import { Notice } from '../ui/notice.tsx';
import { Loading, PageHeader } from '../ui/page.tsx';
import { ProblemView } from '../ui/problem-view.tsx';
import { ErrorPage } from '../pages/error-pages.tsx';
import { FlowGraph } from './flow-graph.tsx';
import { SourceView } from './source-view.tsx';
import { VersionStatusBadge } from './version-status.tsx';

const ACTIONS: Record<VersionStatus, readonly { action: LifecycleAction; label: string }[]> = {
  draft: [{ action: 'submit', label: 'Submit for review' }],
  in_review: [
    { action: 'approve', label: 'Approve' },
    { action: 'make-effective', label: 'Make effective' },
  ],
  effective: [{ action: 'retire', label: 'Retire' }],
  superseded: [{ action: 'retire', label: 'Retire' }],
  retired: [],
};

export function VersionPage() {
  const { code = '', version = '' } = useParams();
  const loaded = useLoad(() => getVersion(code, Number(version)), [code, version]);
  const [problem, setProblem] = useState<unknown>();
  const [done, setDone] = useState<string | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  if (loaded.error !== undefined) return <ErrorPage error={loaded.error} />;
  if (loaded.data === undefined) return <Loading what="Loading the version" />;
  const v = loaded.data;
  const act = async (action: LifecycleAction, label: string) => {
    setBusy(action);
    setProblem(undefined);
    setDone(undefined);
    try {
      await lifecycle(code, v.version, action);
      setDone(`${label}: done.`);
      await loaded.reload();
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <div className="stack">
      <PageHeader
        crumbs={
          <>
            <Link to="/procedures">Procedures</Link> › <Link to={`/procedures/${encodeURIComponent(code)}`}>{code}</Link>
          </>
        }
        title={`${v.title}`}
        sub={
          <span className="row">
            <span>
              {code} version {v.version}
            </span>
            <VersionStatusBadge status={v.status} />
            <span className="muted small">
              drafted by {v.draftedBy}
              {v.approvedBy ? `, approved by ${v.approvedBy}` : ''}
              {v.effectiveFrom ? `, effective ${dateTime(v.effectiveFrom)}` : ''}
            </span>
          </span>
        }
        actions={ACTIONS[v.status].map((a) => (
          <Button key={a.action} variant="secondary" busy={busy === a.action} onClick={() => void act(a.action, a.label)}>
            {a.label}
          </Button>
        ))}
      />
      {problem !== undefined ? <ProblemView error={problem} /> : null}
      {done !== undefined ? <Notice tone="ok">{done}</Notice> : null}
      <div className="grid wide" style={{ alignItems: 'start' }}>
        <section aria-labelledby="flow-title" className="stack">
          <h2 id="flow-title">Flow</h2>
          <FlowGraph steps={v.definition.steps} title={`Flow of the steps of ${code} version ${v.version}`} />
        </section>
        <section aria-labelledby="steps-title" className="stack">
          <h2 id="steps-title">Steps</h2>
          {v.definition.steps.map((s) => (
            <StepSummary key={s.id} step={s} />
          ))}
        </section>
      </div>
      <details className="stack">
        <summary>
          <h2 style={{ display: 'inline' }}>Source</h2> <span className="muted">({v.source.split('\n').length} lines of YAML)</span>
        </summary>
        <SourceView source={v.source} diagnostics={[]} />
      </details>
    </div>
  );
}

function StepSummary({ step }: { readonly step: StepDefinition }) {
  return (
    <details className="card">
      <summary>
        <strong>{step.title}</strong> <span className="muted small">({step.id})</span>
      </summary>
      <ul className="small">
        <li>
          Done by {step.role}
          {step.verify ? `, verified by a ${step.verify}` : ''}
          {step.sign ? `, signed "${step.sign}"` : ''}
        </li>
        {step.after.length > 0 ? <li>After: {step.after.join(', ')}</li> : null}
        {step.standardMs !== undefined ? <li>Standard time: {duration(step.standardMs)}</li> : null}
        {step.within !== undefined ? <li>Must start within {duration(step.within.maxMs)} of {step.within.of}</li> : null}
        {step.uses.length > 0 ? <li>Uses: {step.uses.join(', ')}</li> : null}
        {step.consume.map((c) => (
          <li key={c.material}>Consumes {c.material}</li>
        ))}
        {step.fields.map((f) => (
          <li key={f.id}>
            Records {f.label}
            {f.unit ? ` (${f.unit})` : ''}
            {range(f.limits?.spec, f.unit) ? `, spec ${range(f.limits?.spec, f.unit)}` : ''}
            {range(f.limits?.alert, f.unit) ? `, alert ${range(f.limits?.alert, f.unit)}` : ''}
          </li>
        ))}
      </ul>
    </details>
  );
}
