/** Options of one unary call; each overrides the client's setting for this call only. */
export interface CallOptions {
  /** Deadline in milliseconds from now; `Infinity` for none. Default: the client's `timeoutMs` (10 s). */
  timeoutMs?: number;
  /**
   * The x-request-id sent to the service (and recorded on errors). Default: a fresh UUID.
   * Pass your own to correlate a call with your logs; services cap it at 128 characters.
   */
  requestId?: string;
  /** Cancels the call; it then rejects with code `CANCELLED`. Default: none. */
  signal?: AbortSignal;
  /** Extra metadata for this call. Default: none. */
  metadata?: Record<string, string>;
}

/**
 * Options of one server-streaming call. Streams get no deadline by default since a
 * watch or a followed log lasts as long as the run; stop one with `signal`, `cancel()`
 * or by leaving the `for await` loop.
 */
export interface StreamCallOptions {
  /** Deadline for the whole stream in milliseconds. Default: `Infinity` (none). */
  timeoutMs?: number;
  /** The x-request-id sent to the service. Default: a fresh UUID. */
  requestId?: string;
  /** Ends the stream; iteration then throws a BatonClientError with code `CANCELLED`. Default: none. */
  signal?: AbortSignal;
  /** Extra metadata for this call. Default: none. */
  metadata?: Record<string, string>;
}
