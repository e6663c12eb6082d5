// The whole database as two numbers per table, row count and MariaDB's content checksum,
// so a request that changed anything at all (a row added, or a column of one rewritten)
// is caught. Every base table is watched, including ones added after this was written.
import type { SqlProbe } from './sql-probe.ts';

/** Tables whose content is a clock rather than data: the sync epoch (server/sync/clock.ts)
 * is raised by every pull pass, before the pull has judged its cursor, so a pull refused
 * for a cursor "ahead of this database" has sealed it too. Their rows are still counted. */
const CLOCK_TABLES = new Set(['sync_clock']);

export type DatabaseFingerprint = Record<string, { rows: number; checksum: number | null }>;

export interface DatabaseWatch {
  tables: readonly string[];
  fingerprint: () => Promise<DatabaseFingerprint>;
}

export async function watchDatabase(probe: SqlProbe): Promise<DatabaseWatch> {
  const listed = await probe.query<Record<string, string>>(
    "SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'",
  );
  const tables = listed.map((row) => Object.values(row)[0] ?? '').filter(Boolean);
  if (tables.length === 0) throw new Error('the database has no tables: migrations did not run');
  const quoted = tables.map((t) => `\`${t}\``);
  return {
    tables,
    async fingerprint() {
      const [counts] = await probe.query<Record<string, number>>(
        `SELECT ${quoted.map((t, i) => `(SELECT COUNT(*) FROM ${t}) AS c${i}`).join(', ')}`,
      );
      const sums = await probe.query<{ Table: string; Checksum: number | null }>(
        `CHECKSUM TABLE ${quoted.join(', ')}`,
      );
      const byTable = new Map(sums.map((s) => [s.Table.split('.').pop() ?? s.Table, s.Checksum]));
      return Object.fromEntries(
        tables.map((t, i) => [
          t,
          {
            rows: Number(counts?.[`c${i}`] ?? -1),
            checksum: CLOCK_TABLES.has(t) ? null : (byTable.get(t) ?? null),
          },
        ]),
      );
    },
  };
}

/** The tables whose rows or content differ between two fingerprints. */
export function changedTables(before: DatabaseFingerprint, after: DatabaseFingerprint): string[] {
  return Object.keys({ ...before, ...after }).filter((table) => {
    const a = before[table];
    const b = after[table];
    return a?.rows !== b?.rows || a?.checksum !== b?.checksum;
  });
}
