// Attachment throughput over loopback, against a raw copy of the same bytes in the same
// run (DESIGN §4a):
//   raw_copy_mb_per_s   the 50 MB file streamed from one file to another (read + write),
//   upload_mb_per_s     the same size uploaded with tus in the app's chunks, through to
//                       the blob store (hashed, sniffed, stored),
//   download_mb_per_s   a member's GET of it, the body read to the end.
// Each figure is the median of five, after one upload and download that are not counted
// (the server's first upload compiles its code paths; the raw copy has none to warm).
// The ratios to the raw copy are what to compare.
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
const RUNS = 5;

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
    const uploads: number[] = [];
    const downloads: number[] = [];
    // Each run copies, uploads and downloads in turn, so the three see the same moment
    // of a noisy machine; run -1 is the warm-up.
    for (let i = -1; i < RUNS; i++) {
      const counted = i >= 0;
      const target = join(dir, `copy-${i}.bin`);
      const copy = await timed(() => pipeline(createReadStream(source), createWriteStream(target)));
      await rm(target);
      // Different bytes each time: the same ones would be stored once and skip the write.
      bytes[0] = i + 1;
      let uploadId = '';
      const upload = await timed(async () => {
        ({ uploadId } = await uploadBytes(server.url, a.token, bytes, { chunkSize: CHUNK }));
      });
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
      const download = await timed(async () => {
        const res = await fetch(`${server.url}${fileUrl}`, {
          headers: { authorization: `Bearer ${b.token}` },
        });
        let received = 0;
        for await (const chunk of res.body ?? []) received += (chunk as Uint8Array).byteLength;
        if (received !== size) throw new Error(`downloaded ${received} of ${size} bytes`);
      });
      if (counted) {
        copies.push(copy);
        uploads.push(upload);
        downloads.push(download);
      }
    }
    const rate = (ms: number) => size / MB / (ms / 1000);
    const raw = rate(median(copies));
    return {
      attachment_mb: size / MB,
      raw_copy_mb_per_s: raw,
      upload_mb_per_s: rate(median(uploads)),
      download_mb_per_s: rate(median(downloads)),
      // Each run's own ratio, then their median: a copy and an upload timed moments apart.
      upload_to_raw_ratio: median(copies.map((copy, i) => copy / (uploads[i] ?? copy))),
      download_to_raw_ratio: median(copies.map((copy, i) => copy / (downloads[i] ?? copy))),
    };
  } finally {
    await server.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
