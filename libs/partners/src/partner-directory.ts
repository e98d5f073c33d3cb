import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/**
 * Who counts as a partner of a service. Conservation knows its bindery vendors and refuses a webhook
 * for anyone else; a service without a partner register accepts any well-formed partner id.
 */
export abstract class PartnerDirectory {
  /** Throws NotFoundException (naming the partner) when the partner is unknown. */
  abstract assertKnown(manager: EntityManager, partnerId: string): Promise<void>;
}

@Injectable()
export class OpenPartnerDirectory extends PartnerDirectory {
  async assertKnown(): Promise<void> {}
}
