/** One field of a step: its label, unit and limits, what is recorded, and an input that flags as you type. */
import { useId, useState, type FormEvent } from 'react';
import type { EnteredValue } from '../api/batches.ts';
import type { FieldDefinition, FieldView } from '../api/types.ts';
import { EvaluationBadge } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { range, storedValue } from '../ui/format.ts';
import { flagValue } from './flag-value.ts';

export interface ValueInputProps {
  readonly def: FieldDefinition;
  readonly view?: FieldView;
  readonly disabled: boolean;
  /** Lot or equipment ids the person can pick from while scanning. */
  readonly suggestions?: readonly string[];
  onRecord(value: EnteredValue): Promise<boolean>;
}

export function ValueInput({ def, view, disabled, suggestions, onRecord }: ValueInputProps) {
  const id = useId();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const flag = flagValue(def, text);
  const spec = range(def.limits?.spec, def.unit);
  const alert = range(def.limits?.alert, def.unit);
  const samples = def.samples ?? 1;
  const scanning = def.type === 'lot' || def.type === 'equipment';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (flag.kind === 'empty' || flag.kind === 'invalid') return;
    setBusy(true);
    try {
      if (await onRecord(flag.value)) setText('');
    } finally {
      setBusy(false);
    }
  };

  const flagClass = flag.kind === 'out_of_spec' ? 'out_of_spec' : flag.kind === 'alert' ? 'alert' : flag.kind === 'in_spec' ? 'in_spec' : '';
  const message = flag.kind === 'invalid' || flag.kind === 'empty' ? (flag.kind === 'invalid' ? flag.message : '') : flag.message;
  const describedBy = `${id}-limits ${id}-flag`;

  return (
    <form className="card stack" onSubmit={submit} data-testid={`field-${def.id}`} aria-label={def.label}>
      <div className="spread">
        <label htmlFor={id} className="label">
          <strong>{def.label}</strong>
          {def.required ? null : <span className="muted"> (optional)</span>}
        </label>
        {view?.value !== undefined ? (
          <span className="row small">
            Recorded: <strong data-testid={`recorded-${def.id}`}>{storedValue(view.value, def.unit)}</strong>
            {view.evaluation !== undefined ? <EvaluationBadge evaluation={view.evaluation} /> : null}
          </span>
        ) : null}
      </div>
      <div className="limits" id={`${id}-limits`}>
        {def.unit !== undefined ? <span>Unit: {def.unit}. </span> : null}
        {spec !== undefined ? <span>Specification {spec}. </span> : null}
        {alert !== undefined ? <span>Alert limits {alert}. </span> : null}
        {samples > 1 ? <span>{samples} values, separated by spaces. </span> : null}
        {def.pattern !== undefined ? <span>Format: <code>{def.pattern}</code>. </span> : null}
        {scanning ? <span>Scan the label or type the id. </span> : null}
        {def.compute !== undefined ? <span>Calculated by the system: {def.compute}</span> : null}
      </div>
      {def.compute !== undefined ? null : (
        <div className="row">
          {def.type === 'check' ? (
            <div className="row" role="radiogroup" aria-labelledby={id}>
              {[true, false].map((v) => (
                <label key={String(v)} className="check">
                  <input type="radio" name={`${id}-check`} value={String(v)} checked={text === String(v)} onChange={() => setText(String(v))} disabled={disabled} id={v ? id : undefined} />
                  {v ? 'Yes' : 'No'}
                </label>
              ))}
            </div>
          ) : def.type === 'choice' ? (
            <select id={id} value={text} onChange={(e) => setText(e.target.value)} disabled={disabled} aria-describedby={describedBy}>
              <option value="">Choose…</option>
              {(def.options ?? []).map((o) => (
                <option key={o}>{o}</option>
              ))}
            </select>
          ) : (
            <div className="input-unit" style={{ flex: 1, minWidth: 220 }}>
              <input
                id={id}
                name={def.id}
                value={text}
                onChange={(e) => setText(e.target.value)}
                disabled={disabled}
                inputMode={def.type === 'number' && samples === 1 ? 'decimal' : undefined}
                autoComplete="off"
                list={scanning && suggestions !== undefined ? `${id}-list` : undefined}
                aria-describedby={describedBy}
                aria-invalid={flag.kind === 'invalid' || flag.kind === 'out_of_spec' ? true : undefined}
                className={flag.kind === 'alert' ? 'alert' : undefined}
              />
              {def.unit !== undefined ? <span className="unit">{def.unit}</span> : null}
              {scanning && suggestions !== undefined ? (
                <datalist id={`${id}-list`}>
                  {suggestions.map((s) => (
                    <option key={s} value={s} />
                  ))}
                </datalist>
              ) : null}
            </div>
          )}
          <Button type="submit" busy={busy} disabled={disabled || flag.kind === 'empty' || flag.kind === 'invalid'}>
            {view?.value !== undefined ? 'Record again' : 'Record'}
          </Button>
        </div>
      )}
      <div id={`${id}-flag`} className={`field`} aria-live="polite">
        {message !== '' ? (
          <span className={`flag ${flag.kind === 'invalid' ? 'out_of_spec' : flagClass}`} data-testid={`flag-${def.id}`}>
            {message}
          </span>
        ) : null}
      </div>
    </form>
  );
}
