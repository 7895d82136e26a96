/** Changing one's password; a temporary password set by an admin must be changed before anything else. */
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { changePassword } from '../api/session.ts';
import { usePerson, useSession } from '../session/session-context.tsx';
import { Button } from '../ui/button.tsx';
import { Field } from '../ui/field.tsx';
import { Notice } from '../ui/notice.tsx';
import { PageHeader } from '../ui/page.tsx';
import { ProblemView } from '../ui/problem-view.tsx';

export function PasswordPage() {
  const person = usePerson();
  const { refresh } = useSession();
  const navigate = useNavigate();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const mismatch = again !== '' && again !== next ? 'The two new passwords differ.' : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (mismatch !== undefined) return;
    setBusy(true);
    setError(undefined);
    try {
      await changePassword(person.personId, current, next);
      await refresh();
      navigate('/', { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" style={{ maxWidth: 520 }} onSubmit={submit}>
      <PageHeader title="Change your password" />
      {person.mustChangePassword === true ? <Notice tone="warn">Your password was set by an administrator: choose your own before you go on.</Notice> : null}
      {error !== undefined ? <ProblemView error={error} /> : null}
      <Field label="Current password">{(p) => <input {...p} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />}</Field>
      <Field label="New password" hint="At least 8 characters (15 or more recommended); a common password or one containing your username is refused.">
        {(p) => <input {...p} type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required />}
      </Field>
      <Field label="New password again" error={mismatch}>
        {(p) => <input {...p} type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required />}
      </Field>
      <div>
        <Button type="submit" busy={busy} disabled={next === '' || mismatch !== undefined}>
          Change password
        </Button>
      </div>
    </form>
  );
}
