import { Client } from 'pg';

/**
 * Creates the database (when missing) and the service's schema before TypeORM connects, so a fresh
 * machine needs no manual setup. Migrations then own everything inside the schema.
 */
export async function ensureDatabaseAndSchema(databaseUrl: string, schema: string): Promise<void> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const adminClient = new Client({ connectionString: admin.toString() });
  await adminClient.connect();
  try {
    const exists = await adminClient.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      try {
        await adminClient.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
      } catch (error) {
        // Another service created it at the same moment (duplicate database, or the unique index on its name).
        if (!['42P04', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
      }
    }
  } finally {
    await adminClient.end();
  }
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Look first: under a role that owns only its schema, CREATE SCHEMA IF NOT EXISTS still needs the
    // CREATE privilege on the database, which production roles do not have.
    const present = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (present.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error; // concurrent CREATE SCHEMA
  } finally {
    await client.end();
  }
}
