/**
 * The routing configuration of decision tasks, as a site's quality people write it in YAML: for each kind of
 * decision, rules tried in order (the first whose `when` fits wins) naming the role, the due time, the
 * escalation chain, the quorum and who is notified. `defaults` holds for every site; a site overrides a kind.
 * The published JSON Schema (schema/routing.schema.json) is generated from this schema.
 */
import { z } from 'zod';
import { SEVERITIES } from '../procedure/definition.ts';
import { ROLES } from '../resources/roles.ts';
import { parseDuration } from '../shared/time.ts';
import { DEVIATION_CATEGORIES } from '../quality/categories.ts';
import { DECISION_KINDS } from './subjects.ts';

const duration = z
  .string()
  .refine((text) => (parseDuration(text) ?? 0) > 0, { message: 'a duration such as 30m, 4h, 1h30m or 2d' })
  .meta({ id: 'Duration', description: 'A duration: 30m, 4h, 1h30m, 2d.', pattern: '^(\\d+(\\.\\d+)?(ms|s|m|h|d))+$' });
const role = z.enum(ROLES).meta({ id: 'Role', description: 'A role of OpenBES.' });
const oneOrList = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]);

export const escalationSchema = z
  .strictObject({
    after: duration.describe('How long after the decision was routed it escalates (not after the previous step).'),
    to: role.describe('The role it escalates to; the roles it was routed to before may still sign it.'),
    assignee: z.string().min(1).optional().describe('A person to assign it to when it escalates.'),
    notify: z.array(role).optional().describe('Roles told when it escalates.'),
  })
  .meta({ id: 'Escalation', description: 'One step of the escalation chain.' });

export const ruleSchema = z
  .strictObject({
    when: z
      .strictObject({
        severity: oneOrList(z.enum(SEVERITIES)).optional().describe('Deviation severities this rule routes.'),
        category: oneOrList(z.enum(DEVIATION_CATEGORIES)).optional().describe('Deviation categories this rule routes.'),
      })
      .optional()
      .describe('Deviations only: which deviations this rule routes. A rule without `when` routes every one.'),
    to: role.describe('The role the decision goes to.'),
    assignee: z.string().min(1).optional().describe('A person it is assigned to from the start.'),
    due: duration.describe('How long after routing the decision is due.'),
    escalate: z.array(escalationSchema).optional().describe('Who it goes to when it is late, in order.'),
    quorum: z.number().int().min(1).max(9).optional().describe('How many distinct people must sign it (default 1).'),
    notify: z.array(role).optional().describe('Roles told when it is routed (e.g. the site head, role leader).'),
  })
  .meta({ id: 'Rule', description: 'One routing rule.' });

const kindsShape = Object.fromEntries(DECISION_KINDS.map((kind) => [kind, z.array(ruleSchema).min(1).optional()])) as Record<
  (typeof DECISION_KINDS)[number],
  z.ZodOptional<z.ZodArray<typeof ruleSchema>>
>;
export const kindRulesSchema = z.strictObject(kindsShape).meta({ id: 'KindRules', description: 'Rules per kind of decision, tried in order.' });

export const routingSchema = z
  .strictObject({
    defaults: kindRulesSchema.describe('Rules for every site; every kind of decision must be routed here.'),
    sites: z
      .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a site id'), kindRulesSchema)
      .optional()
      .describe('Per site: rules that replace the defaults for the kinds they name.'),
  })
  .describe('OpenBES decision routing.');

export type RoutingSource = z.infer<typeof routingSchema>;
export type RuleSource = z.infer<typeof ruleSchema>;

export const ROUTING_SCHEMA_ID = 'https://openbes.org/schema/routing.schema.json';

/** The JSON Schema (draft 2020-12) of a routing file. */
export function routingJsonSchema(): Record<string, unknown> {
  // Shapes with an id (Rule, Escalation, KindRules, Duration, Role) are written once, under $defs.
  const generated = z.toJSONSchema(routingSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, $id: ROUTING_SCHEMA_ID, ...rest };
}

/** The schema file as committed in schema/routing.schema.json. */
export function routingJsonSchemaText(): string {
  return `${JSON.stringify(routingJsonSchema(), null, 2)}\n`;
}
