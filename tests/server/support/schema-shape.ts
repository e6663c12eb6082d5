// The seed SQL (DESIGN §2) and the shape of a table as information_schema reports it, so
// a migrated database can be compared with the seed column by column.
import type { SqlProbe } from './sql-probe.ts';

/** The seed's tables, verbatim, after the smallest `users` their foreign keys need. */
export const SEED_SQL = [
  'CREATE TABLE users (user_id INT PRIMARY KEY AUTO_INCREMENT)',
  `CREATE TABLE conversations (conversation_id INT PRIMARY KEY AUTO_INCREMENT, user1_id INT NOT NULL, user2_id INT NOT NULL, conversation_type ENUM('service', 'request', 'general') DEFAULT 'general', context_id INT NULL, context_title VARCHAR(200) NULL, created_at DATETIME DEFAULT CURRENT_TIMESTAMP, updated_at DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, is_active BOOLEAN DEFAULT TRUE, last_message_id INT NULL, last_message_at DATETIME NULL, FOREIGN KEY (user1_id) REFERENCES users(user_id) ON DELETE CASCADE, FOREIGN KEY (user2_id) REFERENCES users(user_id) ON DELETE CASCADE, INDEX idx_user1_id (user1_id), INDEX idx_user2_id (user2_id), INDEX idx_conversation_type (conversation_type), INDEX idx_updated_at (updated_at))`,
  `CREATE TABLE messages (message_id INT PRIMARY KEY AUTO_INCREMENT, conversation_id INT NOT NULL, sender_id INT NOT NULL, message_type ENUM('text', 'image', 'file', 'system') DEFAULT 'text', content TEXT NOT NULL, created_at DATETIME DEFAULT CURRENT_TIMESTAMP, updated_at DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, status ENUM('sent', 'delivered', 'read') DEFAULT 'sent', is_edited BOOLEAN DEFAULT FALSE, is_deleted BOOLEAN DEFAULT FALSE, file_url VARCHAR(500) NULL, file_name VARCHAR(200) NULL, file_size INT NULL, FOREIGN KEY (conversation_id) REFERENCES conversations(conversation_id) ON DELETE CASCADE, FOREIGN KEY (sender_id) REFERENCES users(user_id) ON DELETE CASCADE, INDEX idx_conversation_id (conversation_id), INDEX idx_sender_id (sender_id), INDEX idx_created_at (created_at), INDEX idx_status (status))`,
];

export const SEED_TABLES = ['conversations', 'messages'] as const;

export interface ColumnShape {
  name: string;
  columnType: string;
  isNullable: string;
  columnDefault: string | null;
  extra: string;
}

export interface IndexShape {
  name: string;
  columns: string[];
  isUnique: boolean;
}

export interface ForeignKeyShape {
  column: string;
  referencedTable: string;
  referencedColumn: string;
  deleteRule: string;
}

/** Columns in ordinal order. */
export async function readColumns(
  probe: SqlProbe,
  schema: string,
  table: string,
): Promise<ColumnShape[]> {
  const rows = await probe.query<{
    COLUMN_NAME: string;
    COLUMN_TYPE: string;
    IS_NULLABLE: string;
    COLUMN_DEFAULT: string | null;
    EXTRA: string;
  }>(
    `SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
      ORDER BY ORDINAL_POSITION`,
    [schema, table],
  );
  return rows.map((r) => ({
    name: r.COLUMN_NAME,
    columnType: r.COLUMN_TYPE,
    isNullable: r.IS_NULLABLE,
    columnDefault: r.COLUMN_DEFAULT,
    extra: r.EXTRA,
  }));
}

export async function readIndexes(
  probe: SqlProbe,
  schema: string,
  table: string,
): Promise<IndexShape[]> {
  const rows = await probe.query<{ INDEX_NAME: string; COLUMN_NAME: string; NON_UNIQUE: number }>(
    `SELECT INDEX_NAME, COLUMN_NAME, NON_UNIQUE FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [schema, table],
  );
  const byName = new Map<string, IndexShape>();
  for (const row of rows) {
    const index = byName.get(row.INDEX_NAME) ?? {
      name: row.INDEX_NAME,
      columns: [],
      isUnique: Number(row.NON_UNIQUE) === 0,
    };
    index.columns.push(row.COLUMN_NAME);
    byName.set(row.INDEX_NAME, index);
  }
  return [...byName.values()];
}

export async function readForeignKeys(
  probe: SqlProbe,
  schema: string,
  table: string,
): Promise<ForeignKeyShape[]> {
  const rows = await probe.query<{
    COLUMN_NAME: string;
    REFERENCED_TABLE_NAME: string;
    REFERENCED_COLUMN_NAME: string;
    DELETE_RULE: string;
  }>(
    `SELECT k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.DELETE_RULE
       FROM information_schema.KEY_COLUMN_USAGE k
       JOIN information_schema.REFERENTIAL_CONSTRAINTS r
         ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
            AND r.TABLE_NAME = k.TABLE_NAME
      WHERE k.TABLE_SCHEMA = ? AND k.TABLE_NAME = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
      ORDER BY k.COLUMN_NAME`,
    [schema, table],
  );
  return rows.map((r) => ({
    column: r.COLUMN_NAME,
    referencedTable: r.REFERENCED_TABLE_NAME,
    referencedColumn: r.REFERENCED_COLUMN_NAME,
    deleteRule: r.DELETE_RULE,
  }));
}
