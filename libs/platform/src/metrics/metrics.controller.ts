import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { FastifyReply } from 'fastify';
import { Public } from '@app/auth';

/** Prometheus scrape endpoint; anonymous, to be kept on the internal network by the ingress. */
@ApiExcludeController()
@Public()
@Controller()
export class MetricsController extends PrometheusController {
  @Get()
  override async index(@Res({ passthrough: true }) response: FastifyReply) {
    return super.index(response);
  }
}
