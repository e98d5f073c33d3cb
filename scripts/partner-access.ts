/**
 * Gives a partner (bindery vendor or sales platform) its own RabbitMQ credentials on a single broker:
 *   npm run partner-access -- acme-bindery [--password SECRET]
 * It runs `rabbitmqctl` (as the broker's administrator) to add the user and allow it to read its own
 * queue `partner.<id>` and nothing else. On Kubernetes the Messaging Topology Operator does the same
 * from deploy/k8s (User and Permission resources).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { partnerPermissions, partnerQueueName } from '@app/messaging';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { password: { type: 'string' }, vhost: { type: 'string', default: '/' } } });
const partnerId = positionals[0];
if (!partnerId || !/^[a-z0-9][a-z0-9-]{1,62}$/.test(partnerId)) {
  process.stderr.write('usage: npm run partner-access -- <partner-id> [--password SECRET] [--vhost /]\n');
  process.exit(2);
}
const prefix = process.env.QUEUE_PREFIX ?? '';
const password = values.password ?? randomBytes(18).toString('base64url');
const permissions = partnerPermissions(prefix, partnerId);
const user = `${prefix}${partnerId}`;
const ctl = (...args: string[]) => execFileSync('rabbitmqctl', ['-q', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
// `--` ends rabbitmqctl's options: a password may begin with `-` (a generated base64url one does, one time in 64).
try {
  ctl('add_user', '--', user, password);
} catch {
  ctl('change_password', '--', user, password);
}
ctl('set_permissions', '-p', values.vhost!, user, permissions.configure, permissions.write, permissions.read);
process.stderr.write(`partner ${partnerId}: user ${user} may read ${partnerQueueName(prefix, partnerId)} only\n`);
process.stdout.write(`amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@<broker>:5672\n`);
