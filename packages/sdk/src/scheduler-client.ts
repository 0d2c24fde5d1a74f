import {
  BypassSignalDependenciesRequest,
  GetInstanceRequest,
  GetStepRunRequest,
  KillInstanceRequest,
  ListIterationsRequest,
  ListInstancesRequest,
  ListStepRunsRequest,
  PauseInstanceRequest,
  PauseWorkflowRequest,
  RestartInstanceRequest,
  ResumeInstanceRequest,
  ResumeWorkflowRequest,
  RestartStepRequest,
  SetTagPermitRequest,
  ResumeStepRequest,
  SetBreakpointRequest,
  ListBreakpointsRequest,
  DeleteBreakpointRequest,
  DeleteTagPermitRequest,
  ListTagPermitsRequest,
  SchedulerServiceClient,
  SchedulerServiceService,
  SkipStepRequest,
  StartWorkflowRequest,
  StopInstanceRequest,
  StopStepRequest,
  UnblockWorkflowRequest,
  WatchChangesRequest,
  WatchInstanceRequest,
} from '@baton/proto';
import { type ClientOptions, resolveClientOptions } from './client-options';
import { resolveAddress } from './service-addresses';
import { createServiceClient, type ServiceClient, type ServiceSpec } from './service-client';

/**
 * Promise client of baton.v1.SchedulerService. `watchInstance` returns a
 * ServerStream (async iterable) that ends after the run's terminal status.
 * Run params are `map<string, ParamValue>`: build them with `toParamMap`.
 */
export type SchedulerClient = ServiceClient<SchedulerServiceService>;

const spec: ServiceSpec<SchedulerServiceService> = {
  definition: SchedulerServiceService,
  Client: SchedulerServiceClient,
  requests: {
    startWorkflow: StartWorkflowRequest,
    getInstance: GetInstanceRequest,
    listInstances: ListInstancesRequest,
    watchInstance: WatchInstanceRequest,
    stopInstance: StopInstanceRequest,
    killInstance: KillInstanceRequest,
    pauseInstance: PauseInstanceRequest,
    resumeInstance: ResumeInstanceRequest,
    restartInstance: RestartInstanceRequest,
    unblockWorkflow: UnblockWorkflowRequest,
    pauseWorkflow: PauseWorkflowRequest,
    resumeWorkflow: ResumeWorkflowRequest,
    getStepRun: GetStepRunRequest,
    listStepRuns: ListStepRunsRequest,
    listIterations: ListIterationsRequest,
    stopStep: StopStepRequest,
    skipStep: SkipStepRequest,
    restartStep: RestartStepRequest,
    bypassSignalDependencies: BypassSignalDependenciesRequest,
    watchChanges: WatchChangesRequest,
    setTagPermit: SetTagPermitRequest,
    resumeStep: ResumeStepRequest,
    setBreakpoint: SetBreakpointRequest,
    listBreakpoints: ListBreakpointsRequest,
    deleteBreakpoint: DeleteBreakpointRequest,
    deleteTagPermit: DeleteTagPermitRequest,
    listTagPermits: ListTagPermitsRequest,
  },
};

export function createSchedulerClient(options: ClientOptions = {}): SchedulerClient {
  return createServiceClient(
    spec,
    resolveClientOptions(options, resolveAddress('scheduler', options.address)),
  );
}
