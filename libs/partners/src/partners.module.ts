import { DynamicModule, Module, Type } from '@nestjs/common';
import { OpenPartnerDirectory, PartnerDirectory } from './partner-directory';
import { PartnerEvents } from './partner-events';
import { PartnerWebhooksController } from './partner-webhooks.controller';
import { PartnerWebhooksService } from './partner-webhooks.service';
import { WEBHOOK_SETTINGS, WebhookDeliveryWorker } from './webhook-delivery.worker';
import { loadWebhookSettings } from './webhook-settings';

export interface PartnersModuleOptions {
  /** The service's environment: `WEBHOOK_*` variables tune delivery (see WebhookSettings). */
  env: object;
  /** Who the service's partners are; by default any well-formed partner id. */
  directory?: Type<PartnerDirectory>;
}

/**
 * Partner events and webhooks for a service: `PartnerEvents.publish` (queue + webhook delivery in
 * the caller's transaction), the registration and delivery-log routes, and the delivery worker.
 * The service adds PARTNER_WEBHOOK_ENTITIES and a migration calling createPartnerWebhookTables.
 */
@Module({})
export class PartnersModule {
  static forService(options: PartnersModuleOptions): DynamicModule {
    return {
      module: PartnersModule,
      global: true,
      controllers: [PartnerWebhooksController],
      providers: [
        { provide: WEBHOOK_SETTINGS, useValue: loadWebhookSettings(options.env) },
        { provide: PartnerDirectory, useClass: options.directory ?? OpenPartnerDirectory },
        PartnerWebhooksService,
        PartnerEvents,
        WebhookDeliveryWorker,
      ],
      exports: [PartnerWebhooksService, PartnerEvents, WebhookDeliveryWorker],
    };
  }
}
