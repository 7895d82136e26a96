/**
 * Holds on a batch: release one with a reason (QA for a deviation's hold, a supervisor or QA otherwise) or
 * place a new one. The server decides who may; a refusal shows its sentence.
 */
import { useState, type FormEvent } from 'react';
import { placeHold, releaseHold } from '../api/batches.ts';
import type { BatchView } from '../api/types.ts';
import { Button } from '../ui/button.tsx';
import { Field } from '../ui/field.tsx';
import { Notice } from '../ui/notice.tsx';
import { ProblemView } from '../ui/problem-view.tsx';
import { Link } from 'react-router';

export function HoldsPanel({ batch, onChanged }: { readonly batch: BatchView; readonly onChanged: () => Promise<void> }) {
  const [problem, setProblem] = useState<unknown>();
  const [done, setDone] = useState<string | undefined>();
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [newReason, setNewReason] = useState('');
  const [newStep, setNewStep] = useState('');
  const [busy, setBusy] = useState<string | undefined>();

  const act = async (key: string, message: string, command: () => Promise<unknown>) => {
    setBusy(key);
    setProblem(undefined);
    setDone(undefined);
    try {
      await command();
      setDone(message);
      await onChanged();
      return true;
    } catch (error) {
      setProblem(error);
      return false;
    } finally {
      setBusy(undefined);
    }
  };

  const place = async (event: FormEvent) => {
    event.preventDefault();
    if (await act('place', 'Hold placed.', () => placeHold(batch.id, newReason, newStep || undefined))) setNewReason('');
  };

  return (
    <section className="card stack" aria-labelledby="holds-title" data-testid="holds">
      <h2 id="holds-title">Holds</h2>
      {problem !== undefined ? <ProblemView error={problem} /> : null}
      {done !== undefined ? <Notice tone="ok">{done}</Notice> : null}
      {batch.holds.length === 0 ? <p className="muted">No hold on this batch.</p> : null}
      {batch.holds.map((h) => (
        <form
          key={h.id}
          className="card danger stack"
          data-testid={`hold-${h.id}`}
          onSubmit={(e) => {
            e.preventDefault();
            void act(h.id, `Hold ${h.id} released.`, () => releaseHold(batch.id, h.id, reasons[h.id] ?? ''));
          }}
        >
          <div>
            <strong>{h.id}</strong> {h.stepId !== undefined ? `on step ${h.stepId}` : 'on the whole batch'}: {h.reason}
            {h.deviationId !== undefined ? (
              <>
                {' '}
                (deviation <Link to={`/deviations/${encodeURIComponent(h.deviationId)}`}>{h.deviationId}</Link>: QA releases it)
              </>
            ) : null}
          </div>
          <Field label={`Reason for releasing ${h.id}`}>
            {(p) => <textarea {...p} name={`release-reason-${h.id}`} rows={2} value={reasons[h.id] ?? ''} onChange={(e) => setReasons({ ...reasons, [h.id]: e.target.value })} />}
          </Field>
          <div>
            <Button type="submit" busy={busy === h.id} disabled={(reasons[h.id] ?? '').trim() === ''}>
              Release hold {h.id}
            </Button>
          </div>
        </form>
      ))}
      {batch.status === 'in_progress' ? (
        <form className="stack" onSubmit={place} aria-label="Place a hold">
          <h3>Place a hold</h3>
          <div className="grid">
            <Field label="Step (empty: the whole batch)">
              {(p) => (
                <select {...p} name="hold-step" value={newStep} onChange={(e) => setNewStep(e.target.value)}>
                  <option value="">Whole batch</option>
                  {batch.steps.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.title}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Reason">{(p) => <input {...p} name="hold-reason" value={newReason} onChange={(e) => setNewReason(e.target.value)} />}</Field>
          </div>
          <div>
            <Button type="submit" variant="danger" busy={busy === 'place'} disabled={newReason.trim() === ''}>
              Place hold
            </Button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
