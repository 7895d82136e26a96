/** The lot a step makes: its number, the quantity counted and its expiry, sent with the completion. */
import type { ProducedLot } from '../api/batches.ts';
import type { StepDefinition } from '../api/types.ts';
import { Field } from '../ui/field.tsx';

export function ProducedLotForm({ step, value, onChange }: { readonly step: StepDefinition; readonly value: ProducedLot | undefined; readonly onChange: (lot: ProducedLot) => void }) {
  const lot = value ?? { lotId: '', quantity: Number.NaN, unit: step.produce?.quantity?.unit ?? 'kg', expiry: '' };
  const set = (change: Partial<ProducedLot>) => onChange({ ...lot, ...change });
  return (
    <section className="card stack" aria-labelledby="produce-title">
      <h2 id="produce-title">Lot made: {step.produce?.material}</h2>
      <div className="grid">
        <Field label="New lot id">{(p) => <input {...p} name="produced-lot" value={lot.lotId} onChange={(e) => set({ lotId: e.target.value.trim() })} />}</Field>
        <Field label="Quantity">
          {(p) => (
            <div className="input-unit">
              <input {...p} name="produced-quantity" inputMode="decimal" value={Number.isNaN(lot.quantity) ? '' : String(lot.quantity)} onChange={(e) => set({ quantity: Number(e.target.value.replace(',', '.')) })} />
              <span className="unit">{lot.unit}</span>
            </div>
          )}
        </Field>
        <Field label="Expiry">{(p) => <input {...p} type="date" name="produced-expiry" value={lot.expiry} onChange={(e) => set({ expiry: e.target.value })} />}</Field>
      </div>
    </section>
  );
}
