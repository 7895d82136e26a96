/**
 * Dispensing: for each material the step consumes, scan the lot and the balance and type the quantity
 * weighed. The target and tolerance come from the procedure; the server checks the lot (released, in date,
 * the right material) and the quantity, and refuses with the reason.
 */
import { useState, type FormEvent } from 'react';
import type { Consumption } from '../api/batches.ts';
import type { ConsumeDefinition, LotView, ProcedureDefinition, StepView } from '../api/types.ts';
import { Badge } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { Field } from '../ui/field.tsx';

export interface ConsumePanelProps {
  readonly consume: ConsumeDefinition;
  readonly definition: ProcedureDefinition;
  readonly view: StepView;
  readonly lots: ReadonlyMap<string, LotView>;
  readonly disabled: boolean;
  onConsume(consumption: Consumption): Promise<boolean>;
}

function target(c: ConsumeDefinition): string {
  const q = c.quantity.value !== undefined ? `${c.quantity.value} ${c.quantity.unit}` : `${c.quantity.expression ?? '?'} (${c.quantity.unit})`;
  const t = c.tolerance.percent !== undefined ? ` ± ${c.tolerance.percent} %` : c.tolerance.absolute !== undefined ? ` ± ${c.tolerance.absolute} ${c.quantity.unit}` : '';
  return `${q}${t}`;
}

export function ConsumePanel({ consume, definition, view, lots, disabled, onConsume }: ConsumePanelProps) {
  const material = definition.materials[consume.material];
  const balanceDefault = consume.weighOn !== undefined ? (view.equipment[consume.weighOn] ?? '') : '';
  const [lotId, setLotId] = useState('');
  const [quantity, setQuantity] = useState('');
  const [unit, setUnit] = useState(consume.quantity.unit);
  const [balance, setBalance] = useState(balanceDefault);
  const [busy, setBusy] = useState(false);
  const lot = lots.get(lotId.trim());
  const amount = Number(quantity.replace(',', '.'));
  const consumed = view.consumed[consume.material];
  const candidates = [...lots.values()].filter((l) => material === undefined || l.material === material.material);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const ok = await onConsume({ material: consume.material, lotId: lotId.trim(), quantity: amount, unit, ...(consume.weighOn !== undefined ? { balanceId: (balance || balanceDefault).trim() } : {}) });
      if (ok) {
        setLotId('');
        setQuantity('');
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card stack" onSubmit={submit} data-testid={`consume-${consume.material}`} aria-label={`Dispense ${consume.material}`}>
      <div className="spread">
        <h3>
          {consume.material} <span className="muted">({material?.material ?? '?'})</span>
        </h3>
        {consumed !== undefined ? <Badge tone="info">dispensed so far: {consumed} {consume.quantity.unit}</Badge> : null}
      </div>
      <div className="limits">
        Target {target(consume)}
        {consume.weighOn !== undefined ? `, weighed on the ${consume.weighOn}` : ''}.
      </div>
      <div className="grid">
        <Field label="Lot" hint="Scan the container label or type the lot id.">
          {(p) => (
            <>
              <input {...p} name={`lot-${consume.material}`} value={lotId} list={`${p.id}-lots`} autoComplete="off" onChange={(e) => setLotId(e.target.value)} />
              <datalist id={`${p.id}-lots`}>
                {candidates.map((l) => (
                  <option key={l.id} value={l.id} />
                ))}
              </datalist>
              {lot !== undefined ? (
                <span className="small">
                  {lot.material}, {lot.status}, expiry {lot.expiry}, {lot.onHand} {lot.unit} on hand
                </span>
              ) : null}
            </>
          )}
        </Field>
        <Field label="Quantity weighed">
          {(p) => (
            <div className="input-unit">
              <input {...p} name={`quantity-${consume.material}`} inputMode="decimal" value={quantity} onChange={(e) => setQuantity(e.target.value)} />
              <select aria-label="Unit" value={unit} onChange={(e) => setUnit(e.target.value)} style={{ borderRadius: '0 6px 6px 0' }}>
                {[...new Set([consume.quantity.unit, 'kg', 'g', 'mg'])].map((u) => (
                  <option key={u}>{u}</option>
                ))}
              </select>
            </div>
          )}
        </Field>
        {consume.weighOn !== undefined ? (
          <Field label={`Balance (${consume.weighOn})`} hint="Scan the balance.">
            {(p) => <input {...p} name={`balance-${consume.material}`} value={balance} autoComplete="off" onChange={(e) => setBalance(e.target.value)} />}
          </Field>
        ) : null}
      </div>
      <div>
        <Button type="submit" busy={busy} disabled={disabled || lotId.trim() === '' || !Number.isFinite(amount) || quantity.trim() === ''}>
          Record dispensing
        </Button>
      </div>
    </form>
  );
}
