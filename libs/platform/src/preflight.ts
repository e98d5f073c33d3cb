import { connect } from 'amqplib';
import { Client } from 'pg';

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}

/**
 * Checks that PostgreSQL and RabbitMQ answer before a service starts, and says which one is down and
 * how to start it, rather than letting a connection error scroll by.
 */
export async function checkInfrastructure(databaseUrl: string, amqpUrl: string): Promise<string[]> {
  const problems: string[] = [];
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    problems.push(
      `PostgreSQL is not reachable at ${redact(databaseUrl)} (${(error as Error).message}). ` +
        `Start it (e.g. \`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\`) or set DATABASE_URL.`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  try {
    const connection = await connect(amqpUrl, { timeout: 3000 });
    await connection.close();
  } catch (error) {
    problems.push(
      `RabbitMQ is not reachable at ${redact(amqpUrl)} (${(error as Error).message}). ` +
        'Start it (e.g. `rabbitmq-server -detached`) or set AMQP_URL.',
    );
  }
  return problems;
}
