/**
 * The routing configuration: the example file parses and routes as its comments say; a site overrides the
 * defaults per kind; every problem is reported with its place (line, column, path) in words; an incomplete
 * configuration is refused; the loader fails start with one line; the published JSON Schema is current.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRoutingFile, RoutingConfigError } from '../../src/engine/quality-routing.ts';
import { formatRoutingProblem, parseRouting, routeFor, type RoutingConfig } from '../../src/domain/decisions/routing.ts';
import { routingJsonSchemaText } from '../../src/domain/decisions/routing-schema.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'config/routing.example.yaml');
const HOUR = 3_600_000;

function parsed(text: string): RoutingConfig {
  const result = parseRouting(text);
  if (!result.ok) throw new Error(result.problems.map((p) => formatRoutingProblem(p)).join('\n'));
  return result.config;
}

function problems(text: string): string[] {
  const result = parseRouting(text);
  if (result.ok) throw new Error('expected problems');
  return result.problems.map((p) => formatRoutingProblem(p, 'r.yaml'));
}

/** A complete configuration: every kind routed to qa in a day. */
const KINDS = ['deviation_triage', 'deviation_disposition', 'batch_release', 'procedure_approval', 'change_approval', 'capa_approval', 'capa_effectiveness'];
const complete = (extra = '') => `defaults:\n${KINDS.map((k) => `  ${k}:\n    - { to: qa, due: 1d }\n`).join('')}${extra}`;

describe('the example routing file', () => {
  const config = parsed(readFileSync(EXAMPLE, 'utf8'));

  it.each([
    ['minor', 'supervisor', 4, ['qa'], []],
    ['major', 'qa', 24, ['qa-lead'], []],
    ['critical', 'qa-lead', 2, ['leader'], ['leader']],
  ] as const)('routes a %s deviation to %s, due in %i h, escalating to %j, notifying %j', (severity, role, hours, escalate, notify) => {
    const route = routeFor(config, 'PLANT-B', 'deviation_triage', { severity });
    expect(route).toMatchObject({ role, dueInMs: hours * HOUR, quorum: 1, notify });
    expect(route?.escalate.map((e) => e.role)).toEqual(escalate);
  });

  it('lets a site replace the defaults for a kind (PLANT-A sends minor deviations to QA)', () => {
    expect(routeFor(config, 'PLANT-A', 'deviation_triage', { severity: 'minor' })).toMatchObject({ role: 'qa', rule: 'sites.PLANT-A.deviation_triage[0]' });
    expect(routeFor(config, 'PLANT-A', 'batch_release')).toMatchObject({ role: 'qa', rule: 'defaults.batch_release[0]' });
  });

  it('asks two distinct approvers for a change', () => {
    expect(routeFor(config, 'PLANT-A', 'change_approval')).toMatchObject({ role: 'qa', quorum: 2, dueInMs: 5 * 24 * HOUR });
  });
});

describe('problems in a routing file', () => {
  it('says where each one is and what is wrong, in words', () => {
    const text = [
      'defaults:',
      '  deviation_triage:',
      '    - when: { severity: major }',
      '      to: qa',
      '      due: 24 hours',
      '      escalate: [{ after: 1h, to: qa-boss }]',
      '  batch_release: [{ to: qa, due: 1d, quorum: 0, colour: red }]',
      '',
    ].join('\n');
    expect(problems(text)).toEqual([
      'r.yaml:5:12: defaults.deviation_triage[0].due: must be a duration such as 30m, 4h, 1h30m or 2d, not "24 hours"',
      'r.yaml:6:35: defaults.deviation_triage[0].escalate[0].to: must be one of operator, supervisor, qa, qa-lead, engineer, maintenance, leader, admin, not "qa-boss"',
      'r.yaml:7:46: defaults.batch_release[0].quorum: must be at least 1, not 0',
      "r.yaml:7:49: defaults.batch_release[0].colour: unknown key 'colour'",
    ]);
  });

  it('refuses defaults that leave a kind unrouted, or a severity without a rule that always matches', () => {
    const text = complete()
      .replace('  capa_effectiveness:\n    - { to: qa, due: 1d }\n', '')
      .replace('  deviation_triage:\n    - { to: qa, due: 1d }\n', '  deviation_triage:\n    - { when: { severity: major }, to: qa, due: 1d }\n    - { when: { category: process }, to: supervisor, due: 1d }\n');
    expect(problems(text)).toEqual([
      'r.yaml:2:3: defaults.deviation_triage: no rule routes a info deviation whatever its category',
      'r.yaml:2:3: defaults.deviation_triage: no rule routes a minor deviation whatever its category',
      'r.yaml:2:3: defaults.deviation_triage: no rule routes a critical deviation whatever its category',
      'r.yaml:1:1: defaults: every kind of decision needs default rules; capa_effectiveness has none',
    ]);
  });

  it('refuses `when` outside deviations and escalations out of order', () => {
    const text = complete(['sites:', '  PLANT-A:', '    batch_release:', '      - when: { severity: major }', '        to: qa', '        due: 1d', '        escalate: [{ after: 2h, to: qa-lead }, { after: 1h, to: leader }]', ''].join('\n'));
    expect(problems(text)).toEqual([
      'r.yaml:19:9: sites.PLANT-A.batch_release[0].when: `when` applies only to deviation_triage and deviation_disposition',
      'r.yaml:22:57: sites.PLANT-A.batch_release[0].escalate[1].after: each escalation must come later than the one before it (times count from routing)',
    ]);
  });

  it('reports YAML syntax with its place', () => {
    expect(problems('defaults:\n  batch_release: [{ to: qa\n')[0]).toMatch(/^r\.yaml:\d+:\d+: /);
  });
});

describe('loading the routing file at start', () => {
  it('gives the configuration of a valid file', () => {
    expect(routeFor(loadRoutingFile(EXAMPLE), 'PLANT-A', 'capa_approval')).toMatchObject({ role: 'qa' });
  });

  it('fails with one line naming the file, the place and the problem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bes-routing-'));
    try {
      const file = join(dir, 'routing.yaml');
      await writeFile(file, complete().replace('batch_release:\n    - { to: qa, due: 1d }', 'batch_release:\n    - { to: qa, due: soon }').replace('capa_approval:\n    - { to: qa, due: 1d }', 'capa_approval:\n    - { to: qa, due: 1d, quorum: 99 }'));
      let error: unknown;
      try {
        loadRoutingFile(file);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(RoutingConfigError);
      const message = (error as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toBe(`${file}:7:22: defaults.batch_release[0].due: must be a duration such as 30m, 4h, 1h30m or 2d, not "soon" (and 1 more problem)`);
      expect(() => loadRoutingFile(join(dir, 'missing.yaml'))).toThrow(`${join(dir, 'missing.yaml')}: cannot read the routing file (ENOENT)`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('schema/routing.schema.json', () => {
  it('is the schema generated from the zod schema (regenerate: node bin/run-ts.js scripts/write-routing-schema.ts)', async () => {
    expect(await readFile(join(ROOT, 'schema/routing.schema.json'), 'utf8')).toBe(routingJsonSchemaText());
  });
});
