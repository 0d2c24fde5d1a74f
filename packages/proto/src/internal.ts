// Internal contracts between services (package baton.internal.v1).
export * from './gen/baton/internal/v1/step_report';
export {
  AttemptLiveness,
  CheckAttemptsRequest,
  CheckAttemptsResponse,
  CheckAttemptsResponse_AttemptsEntry,
  StepRuntimeInternalServiceClient,
  StepRuntimeInternalServiceService,
} from './gen/baton/internal/v1/step_runtime_internal';
export {
  CancelWaitRequest,
  CancelWaitResponse,
  PublishStepSignalsRequest,
  PublishStepSignalsResponse,
  SignalBrokerServiceClient,
  SignalBrokerServiceService,
  type SignalBrokerServiceServer,
  SignalWait,
  WaitForSignalsRequest,
  WaitForSignalsResponse,
} from './gen/baton/internal/v1/signal_broker';
export {
  ReportSignalMatchRequest,
  ReportSignalMatchResponse,
  StartRunResult,
  StartRunsRequest,
  StartRunsResponse,
  SignalReportServiceClient,
  SignalReportServiceService,
  type SignalReportServiceServer,
} from './gen/baton/internal/v1/signal_report';
export { TraceContext, WorkMessage } from './gen/baton/internal/v1/work';
