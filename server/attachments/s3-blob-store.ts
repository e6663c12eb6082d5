// The blob store on S3-compatible object storage, so that every instance of a deployment
// serves every attachment (DESIGN §7). Blobs are objects named by their SHA-256 under a
// prefix; a finished upload's file is streamed up (in parts when large) and then removed
// from the instance's disk.
import { createReadStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { PassThrough, Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BlobStore } from './blob-store.ts';

export interface S3BlobStoreOptions {
  bucket: string;
  prefix?: string;
  client: S3ClientConfig;
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof NotFound ||
    (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)
  );
}

export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const s3 = new S3Client({
    // Plain bodies: some S3-compatible servers store aws-chunked framing as data.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...options.client,
  });
  const Bucket = options.bucket;
  const keyOf = (sha256: string) => {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256');
    return `${options.prefix ?? 'blobs/'}${sha256}`;
  };
  const size = async (sha256: string): Promise<number | null> => {
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket, Key: keyOf(sha256) }));
      return head.ContentLength ?? null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  };
  return {
    async adopt(sha256, path) {
      if ((await size(sha256)) !== null) {
        await unlink(path);
        return 'existed';
      }
      const { size: length } = await stat(path);
      await new Upload({
        client: s3,
        params: { Bucket, Key: keyOf(sha256), Body: createReadStream(path), ContentLength: length },
        partSize: 16 * 1024 * 1024,
        queueSize: 2,
      }).done();
      await unlink(path);
      return 'stored';
    },
    read(sha256, range) {
      const out = new PassThrough();
      s3.send(
        new GetObjectCommand({
          Bucket,
          Key: keyOf(sha256),
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      ).then(
        (object) => {
          if (object.Body instanceof Readable) object.Body.pipe(out);
          else out.destroy(new Error('object body is not a stream'));
        },
        (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
      );
      return out;
    },
    size,
    async remove(sha256) {
      await s3.send(new DeleteObjectCommand({ Bucket, Key: keyOf(sha256) }));
    },
  };
}
