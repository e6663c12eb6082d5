// The `uploads` table: who started an upload, what it is once complete, and which
// uploads and blobs nothing needs any more.
import type { Sql, SqlRunner } from '../db/sql.ts';

export interface UploadRow {
  upload_id: string;
  uploader_id: number;
  file_name: string;
  file_size: number;
  sha256: string | null;
  content_type: string | null;
  completed_at: Date | null;
}

const COLUMNS = 'upload_id, uploader_id, file_name, file_size, sha256, content_type, completed_at';

export async function findUpload(sql: SqlRunner, uploadId: string): Promise<UploadRow | null> {
  const [row] = await sql.rows<UploadRow>(`SELECT ${COLUMNS} FROM uploads WHERE upload_id = ?`, [
    uploadId,
  ]);
  return row ?? null;
}

export async function findUploads(
  sql: SqlRunner,
  uploadIds: readonly string[],
): Promise<Map<string, UploadRow>> {
  if (uploadIds.length === 0) return new Map();
  const rows = await sql.rows<UploadRow>(
    `SELECT ${COLUMNS} FROM uploads WHERE upload_id IN (${uploadIds.map(() => '?').join(', ')})`,
    uploadIds,
  );
  return new Map(rows.map((r) => [r.upload_id, r]));
}

/** Uploads of this user that no message refers to yet. */
export async function countUnsentUploads(sql: SqlRunner, uploaderId: number): Promise<number> {
  const [row] = await sql.rows<{ n: number }>(
    `SELECT COUNT(*) AS n FROM uploads u
      WHERE u.uploader_id = ?
        AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.attachment_id = u.upload_id)`,
    [uploaderId],
  );
  return row?.n ?? 0;
}

export async function insertUpload(
  sql: SqlRunner,
  row: { uploadId: string; uploaderId: number; fileName: string; fileSize: number },
): Promise<void> {
  await sql.write(
    'INSERT INTO uploads (upload_id, uploader_id, file_name, file_size) VALUES (?, ?, ?, ?)',
    [row.uploadId, row.uploaderId, row.fileName, row.fileSize],
  );
}

export async function completeUpload(
  sql: SqlRunner,
  uploadId: string,
  blob: { sha256: string; contentType: string },
): Promise<void> {
  await sql.write(
    `UPDATE uploads SET sha256 = ?, content_type = ?, completed_at = CURRENT_TIMESTAMP(3)
      WHERE upload_id = ?`,
    [blob.sha256, blob.contentType, uploadId],
  );
}

/** Removes an upload row no live message refers to; answers its blob's hash when no
 * upload row names that blob any more (the caller removes the bytes). */
export async function dropUpload(sql: Sql, uploadId: string): Promise<string | null> {
  return sql.transaction(async (tx) => {
    const [row] = await tx.rows<{ sha256: string | null }>(
      'SELECT sha256 FROM uploads WHERE upload_id = ? FOR UPDATE',
      [uploadId],
    );
    if (!row) return null;
    const [used] = await tx.rows<{ n: number }>(
      'SELECT COUNT(*) AS n FROM messages WHERE attachment_id = ? AND is_deleted = 0',
      [uploadId],
    );
    if ((used?.n ?? 0) > 0) return null;
    await tx.write('DELETE FROM uploads WHERE upload_id = ?', [uploadId]);
    if (!row.sha256) return null;
    const [named] = await tx.rows<{ n: number }>(
      'SELECT COUNT(*) AS n FROM uploads WHERE sha256 = ? LOCK IN SHARE MODE',
      [row.sha256],
    );
    return (named?.n ?? 0) === 0 ? row.sha256 : null;
  });
}

/** Uploads started before `before` that no message refers to: unsent, or left behind
 * by a delete. */
export async function staleUploads(sql: SqlRunner, before: Date, limit: number): Promise<string[]> {
  const rows = await sql.rows<{ upload_id: string }>(
    `SELECT u.upload_id FROM uploads u
      WHERE u.created_at < ?
        AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.attachment_id = u.upload_id AND m.is_deleted = 0)
      ORDER BY u.created_at LIMIT ?`,
    [before, limit],
  );
  return rows.map((r) => r.upload_id);
}

/** Runs `work` holding a lock on one blob's name, across every instance: storing the
 * bytes of a finished upload and removing a blob nothing names must not interleave, or
 * a blob stored again a moment ago could be removed. */
export async function withBlobLock<T>(
  sql: Sql,
  sha256: string,
  work: () => Promise<T>,
): Promise<T> {
  const conn = await sql.pool.getConnection();
  try {
    const [got] = (await conn.query('SELECT GET_LOCK(?, 30) AS got', [
      `timenest:blob:${sha256}`,
    ])) as {
      got: number | bigint | null;
    }[];
    if (Number(got?.got) !== 1) throw new Error(`blob ${sha256} stayed locked`);
    try {
      return await work();
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [`timenest:blob:${sha256}`]);
    }
  } finally {
    conn.release();
  }
}
