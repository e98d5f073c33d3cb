import { Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PartnerDirectory } from '@app/partners';
import { Vendor } from './vendor.entity';

/** Conservation's partners are its bindery vendors: a webhook is registered for a vendor, or for no one. */
@Injectable()
export class VendorPartnerDirectory extends PartnerDirectory {
  async assertKnown(manager: EntityManager, partnerId: string): Promise<void> {
    if (!(await manager.exists(Vendor, { where: { partnerId } }))) throw new NotFoundException(`no bindery vendor has partnerId ${partnerId}`);
  }
}
