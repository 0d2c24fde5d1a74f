import type { ClientReadableStream } from '@grpc/grpc-js';
import { type CallContext, toClientError } from './errors';

/**
 * The messages of a server-streaming call, for `for await`. Leaving the loop early
 * (break, return, throw) cancels the call; a failed call throws BatonClientError.
 * A stream can be iterated once.
 */
export interface ServerStream<T> extends AsyncIterable<T> {
  /** The x-request-id the stream was opened with. */
  readonly requestId: string;
  /** Cancels the call; a pending or later iteration throws code `CANCELLED`. */
  cancel(): void;
}

export function toServerStream<T>(
  call: ClientReadableStream<T>,
  ctx: CallContext & { requestId: string },
  signal?: AbortSignal,
): ServerStream<T> {
  // Failures reach the caller through iteration (Readable's iterator listens for
  // 'error' itself). This listener only keeps the CANCELLED status that follows an
  // early exit or an abort from being an unhandled 'error' event that kills the process.
  call.on('error', () => {});
  const onAbort = () => call.cancel();
  if (signal?.aborted) call.cancel();
  else signal?.addEventListener('abort', onAbort, { once: true });

  async function* messages(): AsyncGenerator<T> {
    try {
      for await (const message of call) yield message as T;
    } catch (err) {
      throw toClientError(err, ctx);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      call.cancel();
    }
  }
  let iterated = false;
  return {
    requestId: ctx.requestId,
    cancel: () => call.cancel(),
    [Symbol.asyncIterator]() {
      if (iterated) throw new Error('a ServerStream can be iterated only once');
      iterated = true;
      return messages();
    },
  };
}
