// [§2] The migrated schema keeps the seed's tables exactly, read back through
// information_schema and compared with the seed SQL run verbatim in a scratch database;
// migrations are recorded the way Prisma records them and applied once, even by two
// servers starting together.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../server/db/migrator.ts';
import { type FreshDatabase, freshDatabase } from '../support/database.ts';
import {
  readColumns,
  readForeignKeys,
  readIndexes,
  SEED_SQL,
  SEED_TABLES,
} from './support/schema-shape.ts';
import { openSqlProbe, type SqlProbe } from './support/sql-probe.ts';

let seeded: FreshDatabase;
let migrated: FreshDatabase;
let probe: SqlProbe;

beforeAll(async () => {
  [seeded, migrated] = await Promise.all([freshDatabase('seed'), freshDatabase('migrated')]);
  await using seedProbe = await openSqlProbe(seeded.address);
  for (const statement of SEED_SQL) await seedProbe.execute(statement);
  await migrate(migrated.address);
  probe = await openSqlProbe(migrated.address);
});

afterAll(async () => {
  await probe?.close();
  await Promise.all([seeded?.drop(), migrated?.drop()]);
});

describe.each(SEED_TABLES)('[§2] the seed table %s', (table) => {
  it('keeps every seed column with its type, nullability, default and extra, in seed order', async () => {
    const seedColumns = await readColumns(probe, seeded.address.database, table);
    const seedNames = new Set(seedColumns.map((c) => c.name));
    const ours = (await readColumns(probe, migrated.address.database, table)).filter((c) =>
      seedNames.has(c.name),
    );
    expect(seedColumns.length).toBeGreaterThan(10);
    expect(ours).toEqual(seedColumns);
  });

  it("keeps every seed index under the seed's name, on the same columns, equally unique", async () => {
    const seedIndexes = await readIndexes(probe, seeded.address.database, table);
    const ours = new Map(
      (await readIndexes(probe, migrated.address.database, table)).map((i) => [i.name, i]),
    );
    expect(seedIndexes.map((i) => i.name)).toContain('PRIMARY');
    for (const index of seedIndexes) expect(ours.get(index.name)).toEqual(index);
  });

  it('keeps every seed foreign key: same column, same referenced column, ON DELETE CASCADE', async () => {
    const seedKeys = await readForeignKeys(probe, seeded.address.database, table);
    const seedColumns = new Set(seedKeys.map((k) => k.column));
    const ours = (await readForeignKeys(probe, migrated.address.database, table)).filter((k) =>
      seedColumns.has(k.column),
    );
    expect(seedKeys).toHaveLength(2);
    expect(seedKeys.every((k) => k.deleteRule === 'CASCADE')).toBe(true);
    expect(ours).toEqual(seedKeys);
  });
});

describe('[§2] migrations', () => {
  it("are recorded in _prisma_migrations with the file's sha256 and a finish time", async () => {
    const files = await readMigrations();
    const rows = await probe.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      applied_steps_count: number;
    }>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(files.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const file of files) {
      const row = rows.find((r) => r.migration_name === file.name)!;
      expect(row.checksum).toBe(createHash('sha256').update(file.sql).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('applied a second time change nothing', async () => {
    const before = await probe.query('SELECT id, finished_at FROM _prisma_migrations ORDER BY id');
    const report = await migrate(migrated.address);
    const files = await readMigrations();
    expect(report.applied).toEqual([]);
    expect(report.alreadyApplied).toEqual(files.map((f) => f.name));
    expect(await probe.query('SELECT id, finished_at FROM _prisma_migrations ORDER BY id')).toEqual(
      before,
    );
  });

  it('started by three servers at once on a fresh database are each applied exactly once', async () => {
    await using fresh = await freshDatabase('race');
    const files = await readMigrations();
    const reports = await Promise.all([
      migrate(fresh.address),
      migrate(fresh.address),
      migrate(fresh.address),
    ]);
    expect(reports.flatMap((r) => r.applied).sort()).toEqual(files.map((f) => f.name));
    await using freshProbe = await openSqlProbe(fresh.address);
    const rows = await freshProbe.query<{ migration_name: string; runs: number }>(
      'SELECT migration_name, COUNT(*) AS runs FROM _prisma_migrations GROUP BY migration_name',
    );
    expect(rows).toHaveLength(files.length);
    expect(rows.every((r) => r.runs === 1)).toBe(true);
  });
});

describe('[§2] messages.client_msg_id', () => {
  it('is unique per sender and free across senders', async () => {
    await probe.execute(
      `INSERT INTO users (email, display_name, password_hash) VALUES
        ('one@schema.test', 'One', 'x'), ('two@schema.test', 'Two', 'x')`,
    );
    const [one, two] = await probe.query<{ user_id: number }>(
      "SELECT user_id FROM users WHERE email IN ('one@schema.test', 'two@schema.test') ORDER BY email DESC",
    );
    await probe.execute('INSERT INTO conversations (user1_id, user2_id) VALUES (?, ?)', [
      one!.user_id,
      two!.user_id,
    ]);
    const [conversation] = await probe.query<{ id: number }>('SELECT LAST_INSERT_ID() AS id');
    const clientMsgId = randomUUID();
    const insert = (senderId: number) =>
      probe.execute(
        "INSERT INTO messages (conversation_id, sender_id, content, client_msg_id) VALUES (?, ?, 'hi', ?)",
        [conversation!.id, senderId, clientMsgId],
      );

    await insert(one!.user_id);
    await expect(insert(one!.user_id)).rejects.toMatchObject({ code: 'ER_DUP_ENTRY' });
    await insert(two!.user_id);

    const indexes = await readIndexes(probe, migrated.address.database, 'messages');
    expect(indexes).toContainEqual(
      expect.objectContaining({ columns: ['sender_id', 'client_msg_id'], isUnique: true }),
    );
  });
});
