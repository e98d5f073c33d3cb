import { Module } from '@nestjs/common';
import { ApiProxyController } from './api-proxy.controller';

@Module({ controllers: [ApiProxyController] })
export class ProxyModule {}
