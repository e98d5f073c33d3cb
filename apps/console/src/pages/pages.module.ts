import { Global, Module } from '@nestjs/common';
import { Layout } from './layout';

@Global()
@Module({ providers: [Layout], exports: [Layout] })
export class PagesModule {}
