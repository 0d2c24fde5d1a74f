import { type ChannelCredentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { internal } from '@baton/proto';

export type ReportRequest = internal.ReportAttemptRequest;

export type SendResult =
  | { answered: true; applied: boolean; rejected?: string }
  | { answered: false; error: string };

/**
 * Codes that are the scheduler's final word on a report (it looked and said no): retrying cannot
 * change them. Anything else (UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL…) means "not heard yet".
 */
const FINAL_CODES = new Set<number>([
  status.INVALID_ARGUMENT,
  status.NOT_FOUND,
  status.FAILED_PRECONDITION,
  status.ALREADY_EXISTS,
  status.PERMISSION_DENIED,
  status.OUT_OF_RANGE,
]);

/** The scheduler's StepReportService over one channel that reconnects quickly after an outage. */
export class ReportClient {
  private readonly client: internal.StepReportServiceClient;

  constructor(
    address: string,
    private readonly timeoutMs: number,
    creds: ChannelCredentials,
  ) {
    this.client = new internal.StepReportServiceClient(address, creds, {
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 2_000,
    });
  }

  /** One ReportAttempt call with a deadline; never rejects. */
  send(request: ReportRequest, timeoutMs = this.timeoutMs): Promise<SendResult> {
    return new Promise((resolve) => {
      this.client.reportAttempt(
        request,
        new Metadata(),
        { deadline: new Date(Date.now() + timeoutMs) },
        (err: ServiceError | null, res?: internal.ReportAttemptResponse) => {
          if (!err) resolve({ answered: true, applied: res?.applied ?? false });
          else if (FINAL_CODES.has(err.code)) {
            resolve({ answered: true, applied: false, rejected: `${status[err.code]}: ${err.details}` });
          } else
            resolve({
              answered: false,
              error: `${status[err.code] ?? err.code}: ${err.details || err.message}`,
            });
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }
}
