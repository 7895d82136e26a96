/**
 * Review by exception of one batch, from its record: the exceptions first, then the signatures and the
 * ledger verification, with the full record a click away. Release with signature is offered when this
 * server has the release route; otherwise the page says so.
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { offers } from '../api/capabilities.ts';
import { getRecord, recordHtmlUrl } from '../api/record.ts';
import { releaseBatch } from '../api/quality.ts';
import { SignDialog, type SignRequest } from '../operator/sign-dialog.tsx';
import { useLoad } from '../session/use-load.ts';
import { Badge } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { dateTime } from '../ui/format.ts';
import { Notice } from '../ui/notice.tsx';
import { Loading, PageHeader } from '../ui/page.tsx';
import { ErrorPage } from '../pages/error-pages.tsx';
import { exceptionsOf } from './exceptions.ts';

const KIND_WORDS = { value: 'value', correction: 'correction', deviation: 'deviation', hold: 'hold', refusal: 'refused attempt', signature: 'signature', ledger: 'ledger' } as const;

export function ReviewPage() {
  const { batchId = '' } = useParams();
  const loaded = useLoad(async () => ({ record: await getRecord(batchId), canRelease: await offers('POST', '/api/batches/{batchId}/release') }), [batchId]);
  const [signing, setSigning] = useState<SignRequest | undefined>();
  const [released, setReleased] = useState(false);
  if (loaded.error !== undefined && loaded.data === undefined) return <ErrorPage error={loaded.error} />;
  if (loaded.data === undefined) return <Loading what="Loading the batch record" />;
  const { record, canRelease } = loaded.data;
  const exceptions = exceptionsOf(record);
  const needsEyes = exceptions.filter((e) => e.severity !== 'info');
  const signatures = record.sections.flatMap((s) => s.steps.flatMap((step) => step.signatures.map((sig) => ({ step: step.title, ...sig }))));

  return (
    <div className="stack">
      <PageHeader
        crumbs={
          <>
            <Link to="/qa">QA inbox</Link> › <Link to={`/batches/${encodeURIComponent(batchId)}`}>Batch {batchId}</Link>
          </>
        }
        title={`Review of batch ${batchId}`}
        sub={`${record.header.procedure.title} (${record.header.procedure.code} v${record.header.procedure.version}) · ${record.header.status}`}
        actions={
          <a className="button secondary" href={recordHtmlUrl(batchId)} target="_blank" rel="noreferrer">
            Full batch record
          </a>
        }
      />
      {needsEyes.length === 0 ? (
        <Notice tone="ok">Nothing needs your eyes: every value within limits, no correction, deviation or hold, every signature intact.</Notice>
      ) : (
        <Notice tone="warn">{needsEyes.length} item(s) need your review.</Notice>
      )}
      <section className="card stack" aria-labelledby="exceptions-title">
        <h2 id="exceptions-title">Exceptions</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Step</th>
              <th scope="col">What</th>
              <th scope="col">Who, when</th>
            </tr>
          </thead>
          <tbody>
            {exceptions.map((e, i) => (
              <tr key={i}>
                <td>
                  <Badge tone={e.severity}>{KIND_WORDS[e.kind]}</Badge>
                </td>
                <td>{e.step ?? '—'}</td>
                <td>{e.text}</td>
                <td className="small">
                  {e.who ?? ''} {dateTime(e.at)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <div className="grid wide">
        <section className="card stack" aria-labelledby="signatures-title">
          <h2 id="signatures-title">Signatures</h2>
          <ul>
            {signatures.map((s, i) => (
              <li key={i}>
                {s.step}: <strong>{s.meaning}</strong> by {s.name}, {dateTime(s.at)} {s.valid === false ? <Badge tone="bad">no longer valid</Badge> : <Badge tone="ok">valid</Badge>}
              </li>
            ))}
          </ul>
        </section>
        <section className="card stack" aria-labelledby="verification-title">
          <h2 id="verification-title">Ledger verification</h2>
          <p>
            {record.verification.eventsVerified ? <Badge tone="ok">hash chains verify</Badge> : <Badge tone="bad">verification failed</Badge>}
          </p>
          <ul className="small">
            {record.verification.streams.map((s) => (
              <li key={s.streamId}>
                {s.streamId}: {s.chainVerified ? 'chain verified' : 'chain broken'}, head <code>{s.head.slice(0, 16)}…</code>
              </li>
            ))}
          </ul>
        </section>
      </div>
      <section className="card stack" aria-labelledby="release-title">
        <h2 id="release-title">Release</h2>
        {!canRelease ? (
          <Notice tone="info">Batch release is not available on this server yet (it comes with decisions and release, issue 5).</Notice>
        ) : released ? (
          <Notice tone="ok">Batch {batchId} released.</Notice>
        ) : (
          <div>
            <Button
              onClick={() =>
                setSigning({
                  meaning: 'released',
                  what: `Release of batch ${batchId}`,
                  action: 'release',
                  sign: async (password) => {
                    await releaseBatch(batchId, { meaning: 'released', password });
                    setReleased(true);
                  },
                })
              }
            >
              Release with signature
            </Button>
          </div>
        )}
      </section>
      <SignDialog request={signing} onClose={() => setSigning(undefined)} />
    </div>
  );
}
