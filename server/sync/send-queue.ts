// Group commit for sends: up to a few send transactions run at once; sends that arrive
// while all are busy wait and then go together, in one transaction of the same few
// statements. At low load a send runs at once, alone; under load each transaction carries
// more messages, so statements and fsyncs per message fall as traffic rises.
import { type Outcome, resultsOnly, type SyncContext } from './context.ts';
import { applySendBatch, type SendRequest } from './ops/send.ts';

export interface SendQueue {
  submit(request: SendRequest): Promise<Outcome>;
}

interface Waiting {
  request: SendRequest;
  resolve: (outcome: Outcome) => void;
  reject: (error: unknown) => void;
}

export function createSendQueue(
  ctx: SyncContext,
  { inFlight = 4, opsPerBatch = 1000 }: { inFlight?: number; opsPerBatch?: number } = {},
): SendQueue {
  const waiting: Waiting[] = [];
  let running = 0;

  const take = (): Waiting[] => {
    const batch: Waiting[] = [];
    let ops = 0;
    while (waiting.length > 0) {
      const next = waiting[0]!;
      if (batch.length > 0 && ops + next.request.ops.length > opsPerBatch) break;
      batch.push(next);
      ops += next.request.ops.length;
      waiting.shift();
    }
    return batch;
  };

  const pump = () => {
    while (running < inFlight && waiting.length > 0) {
      const batch = take();
      running++;
      applySendBatch(
        ctx,
        batch.map((w) => w.request),
      )
        .then(
          (outcomes) => {
            for (const [i, w] of batch.entries()) w.resolve(outcomes[i] ?? failed(w.request));
          },
          (error: unknown) => {
            for (const w of batch) w.reject(error);
          },
        )
        .finally(() => {
          running--;
          pump();
        });
    }
  };

  return {
    submit(request) {
      return new Promise((resolve, reject) => {
        waiting.push({ request, resolve, reject });
        pump();
      });
    },
  };
}

function failed(request: SendRequest): Outcome {
  return resultsOnly(
    request.ops.map((op) => ({ opId: op.opId, status: 'retry', reason: 'not applied' })),
  );
}
