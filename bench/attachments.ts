// Attachment throughput over loopback, against a raw copy of the same bytes in the same
// run (DESIGN §4a):
//   raw_copy_mb_per_s   the 50 MB file streamed from one file to another (read + write),
//   upload_mb_per_s     the same size uploaded with tus in the app's chunks, through to
//                       the blob store (hashed, sniffed, stored),
//   download_mb_per_s   a member's GET of it, the body read to the end.
// Each figure is the median of three; the ratios to the raw copy are what to compare.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PROTOCOL_VERSION } from '../shared/sync/protocol.ts';
import { uploadBytes } from '../tests/server/support/uploads.ts';
import { trpcClient } from '../tests/support/clients.ts';
import { type BenchResults, pairWithConversation, startBenchServer } from './support.ts';

const MB = 1024 * 1024;
const CHUNK = Number(process.env.BENCH_CHUNK_MB ?? 8) * MB;
const RUNS = 3;

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

export async function benchAttachments(scale = 1): Promise<BenchResults> {
  const size = Math.max(1, Math.round(50 * scale)) * MB;
  const dir = await mkdtemp(join(tmpdir(), 'timenest-bench-attach-'));
  const server = await startBenchServer('attach', { ATTACHMENTS_DIR: join(dir, 'store') });
  try {
    const { a, b, conversationId } = await pairWithConversation(server.url);
    const source = join(dir, 'source.bin');
    const bytes = randomBytes(size);
    await writeFile(source, bytes);

    const copies: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const target = join(dir, `copy-${i}.bin`);
      copies.push(await timed(() => pipeline(createReadStream(source), createWriteStream(target))));
      await rm(target);
    }

    const uploads: number[] = [];
    const downloads: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Different bytes each time: the same ones would be stored once and skip the write.
      bytes[0] = i;
      let uploadId = '';
      uploads.push(
        await timed(async () => {
          ({ uploadId } = await uploadBytes(server.url, a.token, bytes, { chunkSize: CHUNK }));
        }),
      );
      const { results } = await trpcClient(server.url, a.token).sync.push.mutate({
        protocolVersion: PROTOCOL_VERSION,
        ops: [
          {
            opId: crypto.randomUUID(),
            kind: 'send',
            conversation: { conversationId },
            clientMsgId: crypto.randomUUID(),
            content: '',
            messageType: 'file',
            attachment: { uploadId },
          },
        ],
      });
      const [sent] = results;
      const fileUrl = sent?.status === 'accepted' ? sent.message?.fileUrl : null;
      if (!fileUrl) throw new Error(`attachment not sent: ${JSON.stringify(sent)}`);
      downloads.push(
        await timed(async () => {
          const res = await fetch(`${server.url}${fileUrl}`, {
            headers: { authorization: `Bearer ${b.token}` },
          });
          let received = 0;
          for await (const chunk of res.body ?? []) received += (chunk as Uint8Array).byteLength;
          if (received !== size) throw new Error(`downloaded ${received} of ${size} bytes`);
        }),
      );
    }
    const rate = (ms: number) => size / MB / (ms / 1000);
    const raw = rate(median(copies));
    const up = rate(median(uploads));
    const down = rate(median(downloads));
    return {
      attachment_mb: size / MB,
      raw_copy_mb_per_s: raw,
      upload_mb_per_s: up,
      download_mb_per_s: down,
      upload_to_raw_ratio: up / raw,
      download_to_raw_ratio: down / raw,
    };
  } finally {
    await server.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
