/**
 * A plain YAML editor with line numbers: lines with checker errors or warnings are marked in the gutter,
 * and `focusLine` moves the caret to a line (from the list of messages).
 */
import { forwardRef, useImperativeHandle, useRef } from 'react';
import type { Diagnostic } from '../api/types.ts';

export interface YamlEditorHandle {
  focusLine(line: number): void;
}

export interface YamlEditorProps {
  readonly value: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly onChange: (value: string) => void;
  readonly label: string;
}

export const YamlEditor = forwardRef<YamlEditorHandle, YamlEditorProps>(function YamlEditor({ value, diagnostics, onChange, label }, ref) {
  const area = useRef<HTMLTextAreaElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const lines = value.split('\n');
  const marks = new Map<number, 'error' | 'warning'>();
  for (const d of diagnostics) if (d.line !== undefined && marks.get(d.line) !== 'error') marks.set(d.line, d.severity);

  useImperativeHandle(ref, () => ({
    focusLine(line: number) {
      const el = area.current;
      if (el === null) return;
      const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
      el.focus();
      el.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
      const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || 20;
      box.current?.scrollTo({ top: Math.max(0, (line - 4) * lineHeight) });
    },
  }));

  return (
    <div className="editor" ref={box}>
      <div className="gutter" aria-hidden="true">
        {lines.map((_, i) => {
          const mark = marks.get(i + 1);
          return (
            <div key={i} className={mark === 'error' ? 'err' : mark === 'warning' ? 'warnl' : ''} title={diagnostics.filter((d) => d.line === i + 1).map((d) => d.message).join('\n') || undefined}>
              {i + 1}
            </div>
          );
        })}
      </div>
      <textarea
        ref={area}
        aria-label={label}
        name="procedure-source"
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        wrap="off"
        rows={Math.max(lines.length + 1, 12)}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          // Tab indents (YAML wants spaces); Escape then Tab leaves the editor, as keyboard users expect.
          if (e.key === 'Tab' && !e.shiftKey && !e.altKey && e.currentTarget.dataset.escaped !== 'true') {
            e.preventDefault();
            const el = e.currentTarget;
            const { selectionStart, selectionEnd } = el;
            onChange(`${value.slice(0, selectionStart)}  ${value.slice(selectionEnd)}`);
            requestAnimationFrame(() => el.setSelectionRange(selectionStart + 2, selectionStart + 2));
          }
          e.currentTarget.dataset.escaped = e.key === 'Escape' ? 'true' : 'false';
        }}
      />
    </div>
  );
});
