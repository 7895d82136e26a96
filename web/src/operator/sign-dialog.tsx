/**
 * Electronic signature (21 CFR 11.50, 11.200): the person sees their printed name, the meaning and what they
 * sign, and types their password again. The server re-authenticates, binds the signature to the content and
 * records it; a wrong password is refused there (and counts toward lockout).
 */
import { useState, type FormEvent } from 'react';
import type { SignatureMeaning } from '../api/types.ts';
import { acknowledgeESignature } from '../api/session.ts';
import { usePerson, useSession } from '../session/session-context.tsx';
import { Button } from '../ui/button.tsx';
import { Dialog } from '../ui/dialog.tsx';
import { Field } from '../ui/field.tsx';
import { ProblemView } from '../ui/problem-view.tsx';

const MEANINGS: Record<SignatureMeaning, string> = {
  performed: 'I performed this step as the procedure says.',
  verified: 'I verified this step, which another person performed.',
  reviewed: 'I reviewed this record.',
  approved: 'I approve this.',
  released: 'I release this batch.',
};

export interface SignRequest {
  readonly meaning: SignatureMeaning;
  /** What is signed, in words: "Line clearance of the dispensing booth, batch PX10-261125-1". */
  readonly what: string;
  readonly action: string;
  sign(password: string): Promise<void>;
}

export function SignDialog({ request, onClose }: { readonly request: SignRequest | undefined; readonly onClose: () => void }) {
  const person = usePerson();
  const { refresh } = useSession();
  const statement = person.esignature !== undefined && !person.esignature.acknowledged ? person.esignature : undefined;
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const close = () => {
    setPassword('');
    setError(undefined);
    onClose();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (request === undefined) return;
    setBusy(true);
    setError(undefined);
    try {
      // Before the first signature the person accepts that it binds them (§11.100(c)), with the same password.
      if (statement !== undefined) {
        await acknowledgeESignature(statement.textVersion, password);
        await refresh();
      }
      await request.sign(password);
      close();
    } catch (e) {
      setError(e);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={request !== undefined} title="Electronic signature" onClose={close}>
      {request !== undefined ? (
        <form className="stack" onSubmit={submit}>
          <p>
            <strong>{request.what}</strong>
          </p>
          <dl className="small" style={{ margin: 0 }}>
            <dt className="muted">Signed by</dt>
            <dd style={{ margin: '0 0 6px' }}>
              <strong>{person.name}</strong> ({person.username})
            </dd>
            <dt className="muted">Meaning</dt>
            <dd style={{ margin: 0 }} data-testid="sign-meaning">
              <strong>{request.meaning}</strong>: {MEANINGS[request.meaning]}
            </dd>
          </dl>
          {statement !== undefined ? (
            <div className="notice info stack" data-testid="esignature-statement">
              <strong>Before your first electronic signature</strong>
              <p style={{ margin: 0 }}>{statement.text}</p>
              <p className="small" style={{ margin: 0 }}>
                Signing below also records that you accept this statement.
              </p>
            </div>
          ) : null}
          {error !== undefined ? <ProblemView error={error} title="Not signed:" /> : null}
          <Field label="Your password" hint="Signing asks for your password again; your signature is bound to exactly this record.">
            {(p) => <input {...p} type="password" name="signature-password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required autoFocus />}
          </Field>
          <div className="row">
            <Button type="submit" busy={busy} disabled={password === ''}>
              Sign and {request.action}
            </Button>
            <Button variant="ghost" onClick={close}>
              Cancel
            </Button>
          </div>
        </form>
      ) : null}
    </Dialog>
  );
}
