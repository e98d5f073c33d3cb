import { Module } from '@nestjs/common';
import { LabelsController } from './labels.controller';
import { SpineLabelsService } from './spine-labels.service';

@Module({ controllers: [LabelsController], providers: [SpineLabelsService] })
export class LabelsModule {}
