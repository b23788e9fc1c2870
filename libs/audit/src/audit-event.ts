import { createHash, randomUUID } from 'node:crypto';
import type { Actor, RequestContext } from '@app/common';

export type AuditOutcome = 'success' | 'denied' | 'failure';

/** What a module says about one thing that happened. */
export interface AuditEventInput {
  action: string;
  objectType?: string | null;
  objectId?: string | null;
  /** The case file the object belongs to, so a case file's history finds it. */
  caseFileId?: string | null;
  outcome?: AuditOutcome;
  /** Required for holds, reopening, early deletion, retention changes. */
  reason?: string | null;
  details?: Record<string, unknown> | null;
}

/** One event as stored: the input plus who, when, where, its place in the chain. */
export interface AuditRecord {
  seq: string;
  id: string;
  /** UTC, microseconds: `2026-11-27T10:00:00.123456Z`. */
  occurredAt: string;
  actorSub: string | null;
  actorName: string | null;
  actorRoles: string[];
  actorDepartments: string[];
  action: string;
  objectType: string | null;
  objectId: string | null;
  caseFileId: string | null;
  outcome: AuditOutcome;
  requestId: string | null;
  clientIp: string | null;
  reason: string | null;
  details: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
}

export type UnchainedAuditRecord = Omit<AuditRecord, 'seq' | 'prevHash' | 'hash'>;

export const GENESIS_HASH = '0'.repeat(64);

/** The columns of audit_events, in the order of the canonical serialisation. */
export const AUDIT_COLUMNS = [
  'seq',
  'id',
  'occurred_at',
  'actor_sub',
  'actor_name',
  'actor_roles',
  'actor_departments',
  'action',
  'object_type',
  'object_id',
  'case_file_id',
  'outcome',
  'request_id',
  'client_ip',
  'reason',
  'details',
  'prev_hash',
  'hash',
] as const;

/** SQL expression selecting a row in the shape of {@link AuditRecord}. */
export const AUDIT_SELECT = `
  seq::text AS "seq", id::text AS "id",
  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "occurredAt",
  actor_sub AS "actorSub", actor_name AS "actorName", actor_roles AS "actorRoles",
  actor_departments AS "actorDepartments", action, object_type AS "objectType", object_id AS "objectId",
  case_file_id::text AS "caseFileId", outcome, request_id AS "requestId", client_ip AS "clientIp", reason,
  details, prev_hash AS "prevHash", hash`;

const hrStart = process.hrtime.bigint();
const epochStartMicros = BigInt(Date.now()) * 1000n;
let lastMicros = 0n;

/** Wall-clock time in microseconds since the epoch, strictly increasing within this process. */
export function nowMicros(): bigint {
  let us = epochStartMicros + (process.hrtime.bigint() - hrStart) / 1000n;
  if (us <= lastMicros) us = lastMicros + 1n;
  lastMicros = us;
  return us;
}

export function formatMicros(us: bigint): string {
  const ms = Number(us / 1000n);
  const frac = (us % 1_000_000n).toString().padStart(6, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`;
}

/**
 * JSON with object keys sorted at every depth: one text for one value. (Plain loops: the verifier
 * runs this for every event with details.)
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + (canonicalJson(value[i]) ?? '');
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(k) + ':' + canonicalJson(v);
    first = false;
  }
  return out + '}';
}

/** The serialisation an event's hash is taken over (its predecessor's hash is part of it). */
export function canonicalEvent(e: Omit<AuditRecord, 'hash'>): string {
  return canonicalJson([
    e.seq,
    e.id,
    e.occurredAt,
    e.actorSub,
    e.actorName,
    e.actorRoles,
    e.actorDepartments,
    e.action,
    e.objectType,
    e.objectId,
    e.caseFileId,
    e.outcome,
    e.requestId,
    e.clientIp,
    e.reason,
    e.details,
    e.prevHash,
  ]);
}

export function hashEvent(e: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(canonicalEvent(e)).digest('hex');
}

/** Removes characters PostgreSQL's jsonb cannot hold, so what is hashed is what is stored. */
function sanitise(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\u0000/g, '');
  if (Array.isArray(value)) return value.map(sanitise);
  if (value && typeof value === 'object') {
    if (value instanceof Date) return value.toISOString();
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = sanitise(v);
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

export function buildRecord(ctx: RequestContext, input: AuditEventInput): UnchainedAuditRecord {
  const actor: Actor | null = ctx.actor;
  const details = input.details ? (sanitise(input.details) as Record<string, unknown>) : null;
  return {
    id: randomUUID(),
    occurredAt: formatMicros(nowMicros()),
    actorSub: actor?.sub ?? null,
    actorName: actor?.name ?? null,
    actorRoles: actor ? [...actor.roles] : [],
    actorDepartments: actor ? [...actor.departments] : [],
    action: input.action,
    objectType: input.objectType ?? null,
    objectId: input.objectId ?? null,
    caseFileId: input.caseFileId ?? null,
    outcome: input.outcome ?? 'success',
    requestId: ctx.requestId ?? null,
    clientIp: ctx.clientIp ?? null,
    reason: input.reason ?? null,
    details: details && Object.keys(details).length ? details : null,
  };
}
