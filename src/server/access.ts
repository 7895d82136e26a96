/**
 * The route-level authorization table: for every route the app serves, who may call it at all. It is the
 * first of two layers: it turns away a caller whose roles at their site can never succeed, before any body
 * is read. The domain's own role checks stay the source of truth for GMP rules (a step's role comes from
 * its procedure), so for step commands this table lists every role a procedure may name.
 *
 * Keys are `METHOD path` with Hono's `:param` syntax, exactly as `app.routes` lists them; a route with no
 * entry is refused (and the authorization-matrix test fails).
 */
import { ROLES, type Role } from '../domain/resources/roles.ts';
import { NON_GMP_ROLES } from '../domain/procedure/roles.ts';

export type AccessRule =
  /** Anyone, signed in or not. */
  | { readonly kind: 'public' }
  /** Any signed-in principal, whatever their roles (who am I, sign out). */
  | { readonly kind: 'authenticated' }
  /** A principal holding one of `roles` at their site; `action` begins the refusal's sentence. */
  | { readonly kind: 'roles'; readonly roles: readonly Role[]; readonly action: string };

export type AccessTable = Readonly<Record<string, AccessRule>>;

const PUBLIC: AccessRule = { kind: 'public' };
const roles = (allowed: readonly Role[], action: string): AccessRule => ({ kind: 'roles', roles: allowed, action });

/** Anyone who holds a role at the site may read its records. */
const EVERYONE = ROLES;
/** Roles a procedure may name to perform or verify a step (the checker refuses the others). */
const PERFORMERS: readonly Role[] = ROLES.filter((r) => !NON_GMP_ROLES.includes(r));

const STEP = '/api/batches/:batchId/steps/:stepId';
const EQUIPMENT = '/api/equipment/:equipmentId';
const LOT = '/api/lots/:lotId';
const PERSON = '/api/people/:personId';
const VERSION = '/api/procedures/:procedure/versions/:version';

/** Who may call each route of the core API. */
export const ROUTE_ACCESS: AccessTable = {
  'GET /api/health': PUBLIC,
  'GET /api/openapi.json': PUBLIC,
  'GET /api/docs': PUBLIC,
  'GET /api/docs/:file': PUBLIC,

  'GET /api/sites': roles(EVERYONE, 'Listing sites'),
  'POST /api/sites': roles(['admin'], 'Registering a site'),
  'GET /api/sites/:siteId': roles(EVERYONE, 'Reading a site'),

  'GET /api/people': roles(EVERYONE, 'Listing people'),
  'POST /api/people': roles(['admin'], 'Registering a person'),
  [`GET ${PERSON}`]: roles(EVERYONE, 'Reading a person'),
  [`POST ${PERSON}/grant-role`]: roles(['admin'], 'Granting a role'),
  [`POST ${PERSON}/revoke-role`]: roles(['admin'], 'Revoking a role'),
  [`POST ${PERSON}/deactivate`]: roles(['admin'], 'Deactivating a person'),
  [`POST ${PERSON}/training`]: roles(['supervisor', 'qa'], 'Recording training'),

  'GET /api/equipment': roles(EVERYONE, 'Listing equipment'),
  'POST /api/equipment': roles(['admin', 'engineer'], 'Registering equipment'),
  [`GET ${EQUIPMENT}`]: roles(EVERYONE, 'Reading equipment'),
  [`GET ${EQUIPMENT}/logbook`]: roles(EVERYONE, 'Reading an equipment logbook'),
  [`POST ${EQUIPMENT}/clean`]: roles(['operator', 'supervisor'], 'Recording a cleaning'),
  [`POST ${EQUIPMENT}/mark-dirty`]: roles(['operator', 'supervisor', 'qa'], 'Marking equipment dirty'),
  [`POST ${EQUIPMENT}/calibrate`]: roles(['maintenance', 'qa'], 'Recording a calibration'),
  [`POST ${EQUIPMENT}/start-maintenance`]: roles(['maintenance'], 'Starting maintenance'),
  [`POST ${EQUIPMENT}/complete-maintenance`]: roles(['maintenance'], 'Completing maintenance'),
  [`POST ${EQUIPMENT}/take-out-of-service`]: roles(['supervisor', 'qa', 'maintenance'], 'Taking equipment out of service'),
  [`POST ${EQUIPMENT}/return-to-service`]: roles(['supervisor', 'qa', 'maintenance'], 'Returning equipment to service'),

  'GET /api/lots': roles(EVERYONE, 'Listing lots'),
  'POST /api/lots': roles(['operator', 'supervisor', 'qa'], 'Receiving a lot'),
  [`GET ${LOT}`]: roles(EVERYONE, 'Reading a lot'),
  [`POST ${LOT}/release`]: roles(['qa'], 'Releasing a lot'),
  [`POST ${LOT}/reject`]: roles(['qa'], 'Rejecting a lot'),
  [`POST ${LOT}/adjust`]: roles(['supervisor', 'qa'], 'Correcting the quantity of a lot'),

  'GET /api/procedures': roles(EVERYONE, 'Listing procedures'),
  'POST /api/procedures': roles(['engineer'], 'Drafting a procedure version'),
  'POST /api/procedures/check': roles(['engineer', 'qa', 'qa-lead'], 'Checking a procedure'),
  'GET /api/procedures/:procedure': roles(EVERYONE, 'Reading a procedure'),
  [`GET ${VERSION}`]: roles(EVERYONE, 'Reading a procedure version'),
  [`POST ${VERSION}/submit`]: roles(['engineer'], 'Submitting a procedure version for review'),
  [`POST ${VERSION}/approve`]: roles(['qa'], 'Approving a procedure version'),
  [`POST ${VERSION}/make-effective`]: roles(['qa'], 'Making a procedure version effective'),
  [`POST ${VERSION}/retire`]: roles(['qa'], 'Retiring a procedure version'),

  'GET /api/batches': roles(EVERYONE, 'Listing batches'),
  'POST /api/batches': roles(['supervisor'], 'Creating a batch'),
  'GET /api/batches/:batchId': roles(EVERYONE, 'Reading a batch'),
  [`POST ${STEP}/start`]: roles(PERFORMERS, 'Starting a step'),
  [`POST ${STEP}/values`]: roles(PERFORMERS, 'Recording a value'),
  [`POST ${STEP}/corrections`]: roles(PERFORMERS, 'Correcting a value'),
  [`POST ${STEP}/consumptions`]: roles(PERFORMERS, 'Charging material'),
  [`POST ${STEP}/complete`]: roles(PERFORMERS, 'Completing a step'),
  [`POST ${STEP}/verify`]: roles(PERFORMERS, 'Verifying a step'),
  'POST /api/batches/:batchId/holds': roles(['supervisor', 'qa'], 'Placing a hold'),
  'POST /api/batches/:batchId/holds/:holdId/release': roles(['supervisor', 'qa'], 'Releasing a hold'),
  'POST /api/batches/:batchId/complete': roles(['supervisor', 'qa'], 'Completing a batch'),

  'GET /api/refusals': roles(['supervisor', 'qa', 'qa-lead', 'leader'], 'Reading the refused actions'),
};

/** The key of a route in an {@link AccessTable}. */
export function accessKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}
