import { defineConfig } from 'prisma/config';

// The CLI's view of the project. `prisma generate` needs no database; `prisma migrate
// deploy` (where its engine can be downloaded) reads the same migrations folder that
// server/db/migrator.ts applies.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/timenest' },
});
