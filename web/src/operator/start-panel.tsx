/**
 * Starting a step: scan or type the equipment for each slot the step uses. The readiness the server computes
 * for that equipment (clean, calibrated, free) shows as soon as the id is known, in the sentence the start
 * would be refused with, so nobody has to try first.
 */
import { useState } from 'react';
import type { EquipmentView, StepDefinition, ProcedureDefinition } from '../api/types.ts';
import { Badge } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { Field } from '../ui/field.tsx';

export interface StartPanelProps {
  readonly step: StepDefinition;
  readonly definition: ProcedureDefinition;
  /** Per equipment alias: the site's equipment by id, with readiness for the slot's requirements and this batch. */
  readonly equipment: Readonly<Record<string, ReadonlyMap<string, EquipmentView>>>;
  readonly disabled: boolean;
  onStart(equipment: Record<string, string>): Promise<void>;
}

export function StartPanel({ step, definition, equipment, disabled, onStart }: StartPanelProps) {
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const missing = step.uses.filter((alias) => (chosen[alias] ?? '').trim() === '');
  const start = async () => {
    setBusy(true);
    try {
      await onStart(Object.fromEntries(step.uses.map((alias) => [alias, (chosen[alias] ?? '').trim()])));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card stack" aria-labelledby="start-title">
      <h2 id="start-title">Start the step</h2>
      {step.uses.map((alias) => {
        const slot = definition.equipment[alias];
        const typed = (chosen[alias] ?? '').trim();
        const known = equipment[alias] ?? new Map<string, EquipmentView>();
        const found = typed === '' ? undefined : known.get(typed);
        const candidates = [...known.values()].filter((e) => slot === undefined || e.class === slot.class);
        return (
          <Field
            key={alias}
            label={`Equipment: ${alias}${slot ? ` (${slot.class}${slot.require.length > 0 ? `, must be ${slot.require.join(' and ')}` : ''})` : ''}`}
            hint="Scan the equipment's label or type its id."
          >
            {(p) => (
              <div className="stack">
                <input
                  {...p}
                  name={`equipment-${alias}`}
                  list={`${p.id}-list`}
                  value={chosen[alias] ?? ''}
                  autoComplete="off"
                  onChange={(e) => setChosen({ ...chosen, [alias]: e.target.value })}
                  onKeyDown={(e) => {
                    // A scanner types the id and Enter: go on to the next slot.
                    if (e.key !== 'Enter') return;
                    e.preventDefault();
                    const inputs = [...(e.currentTarget.closest('section')?.querySelectorAll<HTMLInputElement>('input[name^="equipment-"]') ?? [])];
                    inputs[inputs.indexOf(e.currentTarget) + 1]?.focus();
                  }}
                />
                <datalist id={`${p.id}-list`}>
                  {candidates.map((e) => (
                    <option key={e.id} value={e.id}>
                      {e.name}
                    </option>
                  ))}
                </datalist>
                {found !== undefined ? (
                  <div className="row small" data-testid={`readiness-${alias}`}>
                    {found.readiness.ready ? <Badge tone="ok">ready</Badge> : <Badge tone="bad">not ready</Badge>}
                    <span>{found.readiness.ready ? `${found.name}: ${found.status}` : (found.readiness.message ?? found.readiness.reasons.join(', '))}</span>
                  </div>
                ) : typed !== '' && known.size > 0 ? (
                  <div className="small muted">No equipment {typed} at this site.</div>
                ) : null}
              </div>
            )}
          </Field>
        );
      })}
      <div>
        <Button onClick={start} busy={busy} disabled={disabled || missing.length > 0}>
          Start step
        </Button>
        {missing.length > 0 ? <span className="muted small"> Equipment still to scan: {missing.join(', ')}</span> : null}
      </div>
    </section>
  );
}
