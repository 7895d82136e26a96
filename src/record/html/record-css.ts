/** The record's stylesheet: readable on screen, and on paper (A4, repeated table headers, colours kept). */
export const RECORD_CSS = `
:root { --bad: #b00020; --warn: #8a5a00; --good: #1b5e20; --line: #c8c8c8; --muted: #666; }
* { box-sizing: border-box; }
body { font: 12px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; margin: 24px auto; max-width: 1100px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0; }
h2 { font-size: 16px; border-bottom: 2px solid #333; padding-bottom: 2px; margin-top: 28px; }
h3 { font-size: 14px; margin: 18px 0 4px; }
h4 { font-size: 12px; margin: 10px 0 4px; text-transform: uppercase; letter-spacing: .04em; color: #333; }
.subtitle { margin: 2px 0 10px; font-size: 14px; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
th, td { border: 1px solid var(--line); padding: 3px 5px; text-align: left; vertical-align: top; }
thead th { background: #eee; }
table.facts th { width: 14%; background: #f6f6f6; font-weight: 600; }
.value { font-variant-numeric: tabular-nums; white-space: nowrap; }
.samples, .hash, .pos, .alias, .round, .meta, .none { color: var(--muted); font-size: 10px; }
.hash { font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
td.data { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 9px; word-break: break-all; }
code { font-size: 11px; }
.ev { font-weight: 600; padding: 0 3px; border-radius: 2px; }
.ev-in_spec { color: var(--good); }
.ev-alert { color: var(--warn); background: #fff3cd; }
.ev-out_of_spec { color: #fff; background: var(--bad); }
.ev-unchecked { color: var(--muted); font-weight: normal; }
tr.row-out_of_spec td { background: #fde8ec; }
tr.row-alert td { background: #fff8e1; }
.sig-ok { color: var(--good); font-weight: 600; }
.sig-bad { color: var(--bad); font-weight: 700; }
.bad { color: var(--bad); font-weight: 600; }
.good { color: var(--good); font-weight: 600; }
.status { font-size: 11px; font-weight: 600; border: 1px solid currentColor; border-radius: 3px; padding: 0 4px; }
.status-done, .status-completed { color: var(--good); }
.status-skipped { color: var(--muted); }
.status-in_progress, .status-awaiting_verification, .status-pending { color: var(--warn); }
.sev-major, .sev-critical { color: var(--bad); font-weight: 700; }
ul.summary { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 8px 0; }
ul.summary li { border: 1px solid var(--line); padding: 2px 8px; border-radius: 3px; }
.instructions { white-space: pre-wrap; background: #fafafa; border-left: 3px solid var(--line); padding: 4px 8px; }
.skipped { color: var(--muted); font-style: italic; }
article.step { border-top: 1px solid var(--line); padding-top: 4px; }
h2 + article.step { border-top: none; }
footer { margin-top: 30px; border-top: 1px solid var(--line); padding-top: 6px; color: var(--muted); font-size: 10px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  thead { display: table-header-group; }
  tr, .signatures, table.facts { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  section.audit, section.verification { break-before: page; }
}
`;
