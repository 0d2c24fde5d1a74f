import { AuditServiceService, type ListAuditEventsRequest, type ListAuditEventsResponse } from '@baton/proto';
import type { UnaryHandler } from '../call-context';
import type { ServiceRegistration } from '../grpc-server';
import { BatonError, type FieldViolation } from '../errors';
import { pageSize, pageToken, readPageToken } from '../paging';
import type { AuditStore } from './audit-store';

/** baton.v1.AuditService on a service's public port: its own audit record, newest first. */
export function auditService(store: AuditStore): ServiceRegistration {
  const ListAuditEvents: UnaryHandler<ListAuditEventsRequest, ListAuditEventsResponse> = async (req) => {
    const v: FieldViolation[] = [];
    if (req.principal.length > 256) v.push({ field: 'principal', description: 'at most 256 characters' });
    if (req.method.length > 256) v.push({ field: 'method', description: 'at most 256 characters' });
    if (req.targetPrefix.length > 256)
      v.push({ field: 'target_prefix', description: 'at most 256 characters' });
    if (v.length > 0) throw BatonError.invalid('invalid audit query', v);
    const limit = pageSize(req.pageSize, 'page_size', 50, 500);
    const after = readPageToken<{ time: number; id: string }>(req.pageToken);
    if (after !== undefined && (typeof after?.time !== 'number' || typeof after?.id !== 'string'))
      throw BatonError.invalid('invalid page token', [
        { field: 'page_token', description: 'is not a token this service issued' },
      ]);
    const docs = await store.list({
      ...(req.principal ? { principal: req.principal } : {}),
      ...(req.method ? { method: req.method } : {}),
      ...(req.targetPrefix ? { targetPrefix: req.targetPrefix } : {}),
      ...(req.since ? { since: req.since } : {}),
      ...(after ? { after } : {}),
      limit: limit + 1,
    });
    const page = docs.slice(0, limit);
    const last = page[page.length - 1];
    return {
      events: page.map((d) => ({
        id: d._id,
        time: d.time,
        service: d.service,
        principal: d.principal,
        method: d.method,
        target: d.target,
        requestId: d.request_id,
        outcome: d.outcome,
        message: d.message,
      })),
      nextPageToken:
        docs.length > limit && last ? pageToken({ time: last.time.getTime(), id: last._id }) : '',
    };
  };
  return { name: 'baton.v1.AuditService', definition: AuditServiceService, handlers: { ListAuditEvents } };
}
