import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '@app/auth';
import { AmqpConnection } from '@app/messaging';

/**
 * Liveness is the process alone (a broker outage must not restart every pod); readiness checks the
 * database and the broker, and answers 503 `shutting_down` while the service drains (terminus).
 */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly amqp: AmqpConnection,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 1500 }),
      () => {
        const broker = this.indicators.check('broker');
        return this.amqp.isConnected() ? broker.up() : broker.down({ message: 'not connected to RabbitMQ' });
      },
    ]);
  }
}
