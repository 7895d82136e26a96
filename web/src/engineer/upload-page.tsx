/**
 * Upload a procedure: paste or open the YAML, check it (the server's parser and checker; nothing stored),
 * and upload it as a new draft. The checker's messages show at the lines they concern, in the editor's
 * gutter and under each line of the checked source.
 */
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ApiProblem } from '../api/problem.ts';
import { checkProcedure, uploadDraft } from '../api/procedures.ts';
import type { Diagnostic, DraftResult } from '../api/types.ts';
import { Button } from '../ui/button.tsx';
import { Notice } from '../ui/notice.tsx';
import { PageHeader } from '../ui/page.tsx';
import { ProblemView } from '../ui/problem-view.tsx';
import { SourceView } from './source-view.tsx';
import { YamlEditor, type YamlEditorHandle } from './yaml-editor.tsx';

const STARTER = `procedure: NEW-PROCEDURE
title: A new procedure
kind: sop
steps:
  - id: first-step
    title: The first step
    role: operator
    record:
      - { id: done, type: check, label: Done as instructed, expect: true }
`;

export function UploadPage() {
  const [source, setSource] = useState(STARTER);
  const [checked, setChecked] = useState<{ source: string; diagnostics: readonly Diagnostic[]; ok: boolean } | undefined>();
  const [problem, setProblem] = useState<unknown>();
  const [drafted, setDrafted] = useState<DraftResult & { procedure: string } | undefined>();
  const [busy, setBusy] = useState<'check' | 'upload' | undefined>();
  const editor = useRef<YamlEditorHandle>(null);
  const diagnostics = checked?.source === source ? checked.diagnostics : (checked?.diagnostics ?? []);
  const errors = diagnostics.filter((d) => d.severity === 'error');

  // Check as the engineer types, after a pause: the messages stay close to the edit that caused them.
  useEffect(() => {
    const timer = setTimeout(() => void check(source, true), 800);
    return () => clearTimeout(timer);
  }, [source]);

  async function check(text: string, quiet = false) {
    if (!quiet) setBusy('check');
    try {
      const result = await checkProcedure(text);
      setChecked({ source: text, diagnostics: result.diagnostics, ok: result.ok });
      if (!quiet) setProblem(undefined);
    } catch (error) {
      if (!quiet) setProblem(error);
    } finally {
      if (!quiet) setBusy(undefined);
    }
  }

  async function upload() {
    setBusy('upload');
    setProblem(undefined);
    setDrafted(undefined);
    try {
      const result = await uploadDraft(source);
      setDrafted({ ...result, procedure: result.id });
      setChecked({ source, diagnostics: result.diagnostics, ok: true });
    } catch (error) {
      setProblem(error);
      const details = error instanceof ApiProblem ? (error.problem.details?.diagnostics as Diagnostic[] | undefined) : undefined;
      if (details !== undefined) setChecked({ source, diagnostics: details, ok: false });
    } finally {
      setBusy(undefined);
    }
  }

  const open = async (file: File | undefined) => {
    if (file === undefined) return;
    setSource(await file.text());
    setDrafted(undefined);
  };

  return (
    <div className="stack">
      <PageHeader crumbs={<Link to="/procedures">Procedures</Link>} title="Upload a procedure" sub="The YAML procedure language (docs/procedure-language.md). Checking stores nothing; uploading stores a new draft version." />
      <div className="row">
        <label className="button secondary">
          Open a YAML file…
          <input type="file" accept=".yaml,.yml,text/yaml" style={{ position: 'absolute', opacity: 0, width: 1, height: 1 }} onChange={(e) => void open(e.target.files?.[0])} />
        </label>
        <Button variant="secondary" busy={busy === 'check'} onClick={() => void check(source)}>
          Check
        </Button>
        <Button busy={busy === 'upload'} onClick={() => void upload()}>
          Upload as draft
        </Button>
      </div>
      {problem !== undefined ? <ProblemView error={problem} /> : null}
      {drafted !== undefined ? (
        <Notice tone="ok" title="Uploaded:">
          {drafted.procedure} version {drafted.procedureVersion} is a draft.{' '}
          <Link to={`/procedures/${encodeURIComponent(drafted.procedure)}/versions/${drafted.procedureVersion}`}>Open it</Link> to submit it for review.
        </Notice>
      ) : null}
      <div className="grid wide" style={{ alignItems: 'start' }}>
        <YamlEditor ref={editor} value={source} diagnostics={diagnostics} onChange={setSource} label="Procedure YAML" />
        <section className="stack" aria-labelledby="messages-title" aria-live="polite">
          <h2 id="messages-title">Checker messages</h2>
          {checked === undefined ? <p className="muted">Checking…</p> : null}
          {checked !== undefined && diagnostics.length === 0 ? <Notice tone="ok">No problems found.</Notice> : null}
          {errors.length > 0 ? <p>{errors.length} error(s): the procedure cannot be uploaded until they are fixed.</p> : null}
          <ul className="diagnostics" data-testid="diagnostics">
            {diagnostics.map((d, i) => (
              <li key={i} className={d.severity}>
                {d.line !== undefined ? (
                  <button type="button" onClick={() => editor.current?.focusLine(d.line!)}>
                    Line {d.line}
                    {d.column !== undefined ? `:${d.column}` : ''}
                  </button>
                ) : null}{' '}
                <span className="badge">{d.severity}</span> {d.message} <span className="muted small">({d.code})</span>
              </li>
            ))}
          </ul>
        </section>
      </div>
      {diagnostics.some((d) => d.line !== undefined) && checked !== undefined ? (
        <section className="stack" aria-labelledby="annotated-title">
          <h2 id="annotated-title">Messages at their lines</h2>
          <SourceView source={checked.source} diagnostics={diagnostics} />
        </section>
      ) : null}
    </div>
  );
}
