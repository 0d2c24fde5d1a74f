import { BatonError, type FieldViolation, type UnaryHandler, grpcCodeOf } from '@baton/kit';
import type { internal } from '@baton/proto';
import type { EventLog } from '../app/event-log';
import type { RunStarts, StartInput, StartOutcome } from '../app/run-starts';
import type { SignalRef } from '../domain';
import type { InstanceStore } from '../store/instance-store';
import { startInputOf, toStartResponse } from './start-mapping';

/** Starts in one StartRuns call (docs/deploy.md, "Limits"). */
export const MAX_STARTS_PER_CALL = 1000;

/**
 * baton.internal.v1.SignalReportService: the signal service's matches of a waiting step's
 * dependencies become events of the instance, keyed `<wait key>:<index>` — a repeated report is a
 * duplicate insert, and a report for a wait that is not current is ignored by decide.
 */
export function signalReportHandlers(events: EventLog, store: InstanceStore, starts: RunStarts) {
  const ReportSignalMatch: UnaryHandler<
    internal.ReportSignalMatchRequest,
    internal.ReportSignalMatchResponse
  > = async (req) => {
    const v: FieldViolation[] = [];
    if (!req.instanceKey || req.instanceKey.length > 1024)
      v.push({ field: 'instance_key', description: 'is required (at most 1024 characters)' });
    if (!req.stepId) v.push({ field: 'step_id', description: 'is required' });
    if (!req.waitKey.startsWith(`${req.instanceKey}:${req.stepId}:w`))
      v.push({ field: 'wait_key', description: 'is not a wait of this step' });
    if (!Number.isInteger(req.dependencyIndex) || req.dependencyIndex < 0 || req.dependencyIndex > 64)
      v.push({ field: 'dependency_index', description: 'must be from 0 to 64' });
    const sig = req.signal;
    if (!sig?.name) v.push({ field: 'signal.name', description: 'is required' });
    const params: SignalRef['params'] = {};
    for (const [k, pv] of Object.entries(sig?.params ?? {})) {
      if (pv.kind?.$case === 'stringValue') params[k] = { type: 'STRING', value: pv.kind.value };
      else if (pv.kind?.$case === 'longValue') params[k] = { type: 'LONG', value: pv.kind.value };
      else v.push({ field: `signal.params.${k}`, description: 'must be a STRING or LONG value' });
    }
    if (v.length > 0) throw BatonError.invalid('invalid signal match', v);
    // No orphan events: the run must exist.
    if (!(await store.heads.getHead(req.instanceKey)))
      throw BatonError.notFound(`run ${req.instanceKey} not found`, 'INSTANCE_NOT_FOUND');
    const fresh = await events.append(req.instanceKey, {
      type: 'signalMatched',
      id: `${req.waitKey}:${req.dependencyIndex}`,
      stepId: req.stepId,
      waitKey: req.waitKey,
      index: req.dependencyIndex,
      signal: { name: sig!.name, seq: Number(sig!.seq), params },
    });
    return { accepted: fresh };
  };
  /**
   * Trigger fires, many per call, each checked and started as StartWorkflow would; a start's
   * refusal is its own result (named `starts[i]...`), never the call's.
   */
  const StartRuns: UnaryHandler<internal.StartRunsRequest, internal.StartRunsResponse> = async (req, ctx) => {
    if (req.starts.length === 0 || req.starts.length > MAX_STARTS_PER_CALL)
      throw BatonError.invalid(`1 to ${MAX_STARTS_PER_CALL} starts per call, got ${req.starts.length}`, [
        { field: 'starts', description: `1 to ${MAX_STARTS_PER_CALL} starts` },
      ]);
    const outcomes: StartOutcome[] = new Array(req.starts.length);
    const inputs: { i: number; input: StartInput }[] = [];
    for (const [i, start] of req.starts.entries()) {
      try {
        // A fire's id makes a retried call start nothing twice: without it a retry is a second run.
        if (!start.requestId)
          throw BatonError.invalid('request_id is required', [
            { field: 'request_id', description: 'is required' },
          ]);
        inputs.push({ i, input: startInputOf(start, ctx.principal) });
      } catch (error) {
        outcomes[i] = { error };
      }
    }
    const started = await starts.startMany(inputs.map((x) => x.input));
    for (const [k, { i }] of inputs.entries()) outcomes[i] = started[k]!;
    return {
      results: outcomes.map((o, i) => {
        if (o.ok) return { code: 0, message: '', response: toStartResponse(req.starts[i]!.workflowId, o.ok) };
        if (o.error instanceof BatonError) {
          const fields = o.error.violations.map((v) => `starts[${i}].${v.field}: ${v.description}`);
          return {
            code: grpcCodeOf[o.error.code],
            message: [o.error.message, ...fields].join('; '),
            response: undefined,
          };
        }
        ctx.log.error({ err: o.error, start: i }, 'trigger start failed');
        return { code: grpcCodeOf.INTERNAL, message: 'internal error', response: undefined };
      }),
    };
  };
  return { ReportSignalMatch, StartRuns };
}
