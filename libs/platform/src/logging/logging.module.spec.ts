import { Controller, Get, INestApplication, InternalServerErrorException, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import request from 'supertest';
import { serviceHttpAdapter } from '../bootstrap';
import { loggingModule } from './logging.module';

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return { data: [] };
  }

  @Get('broken')
  broken() {
    throw new InternalServerErrorException('the shelf fell over');
  }
}

describe('access log lines', () => {
  const lines: Record<string, any>[] = [];
  let app: INestApplication;

  beforeAll(async () => {
    const destination = { write: (line: string) => void lines.push(JSON.parse(line)) };
    @Module({ imports: [loggingModule('intake', 'info', destination)], controllers: [ThingsController] })
    class LoggedModule {}
    const fastifyApp = await NestFactory.create<NestFastifyApplication>(LoggedModule, serviceHttpAdapter(), { bufferLogs: true, logger: false });
    fastifyApp.useLogger(fastifyApp.get(Logger));
    await fastifyApp.init();
    await fastifyApp.getHttpAdapter().getInstance().ready();
    app = fastifyApp;
  });

  afterAll(() => app?.close());

  const completed = () => lines.filter((line) => line.req && line.res);

  it('name the request, its answer, its time and its correlation id, and never the credentials', async () => {
    await request(app.getHttpServer())
      .get('/things?limit=5')
      .set('Authorization', 'Bearer very-secret-token')
      .set('Cookie', 'session=also-secret')
      .set('x-correlation-id', 'corr-123')
      .expect(200);
    const [line] = completed().filter((l) => l.req.id === 'corr-123');
    expect(line).toMatchObject({ service: 'intake', req: { id: 'corr-123', method: 'GET', url: '/things?limit=5' }, res: { statusCode: 200 } });
    expect(typeof line.responseTime).toBe('number');
    expect(JSON.stringify(lines)).not.toMatch(/very-secret-token|also-secret/);
  });

  it('carry the error of a failed request', async () => {
    await request(app.getHttpServer()).get('/things/broken').set('x-correlation-id', 'corr-500').expect(500);
    const [line] = completed().filter((l) => l.req.id === 'corr-500');
    expect(line).toMatchObject({ msg: 'request errored', res: { statusCode: 500 } });
    expect(line.err.message).toContain('failed with status code 500');
  });
});
