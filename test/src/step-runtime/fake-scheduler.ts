import { type sendUnaryData, Server, ServerCredentials, type ServerUnaryCall, status } from '@grpc/grpc-js';
import { internal } from '@baton/proto';

export interface ReceivedReport {
  req: internal.ReportAttemptRequest;
  at: number;
}

/**
 * The scheduler's StepReportService, in process: records every report. `down()` makes it answer
 * UNAVAILABLE (as an unreachable scheduler looks to the caller) until `up()`.
 */
export class FakeScheduler {
  readonly reports: ReceivedReport[] = [];
  private server?: Server;
  private unavailable = false;
  port = 0;

  get addr(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = new Server();
    server.addService(internal.StepReportServiceService, {
      reportAttempt: (
        call: ServerUnaryCall<internal.ReportAttemptRequest, internal.ReportAttemptResponse>,
        cb: sendUnaryData<internal.ReportAttemptResponse>,
      ) => {
        if (this.unavailable) {
          cb({ code: status.UNAVAILABLE, details: 'fake scheduler is down' });
          return;
        }
        const first = !this.reports.some(
          (r) => r.req.attemptKey === call.request.attemptKey && r.req.status === call.request.status,
        );
        this.reports.push({ req: call.request, at: Date.now() });
        cb(null, { applied: first });
      },
    });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${this.port}`, ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    this.server = server;
  }

  down(): void {
    this.unavailable = true;
  }

  up(): void {
    this.unavailable = false;
  }

  stop(): void {
    this.server?.forceShutdown();
  }

  /** Reports for one attempt, in arrival order. */
  of(attemptKey: string): internal.ReportAttemptRequest[] {
    return this.reports.filter((r) => r.req.attemptKey === attemptKey).map((r) => r.req);
  }

  /** The final (non-RUNNING) reports of an attempt. */
  finals(attemptKey: string): internal.ReportAttemptRequest[] {
    return this.of(attemptKey).filter((r) => r.status !== 'RUNNING');
  }
}
