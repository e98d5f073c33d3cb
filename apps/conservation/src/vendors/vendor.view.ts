import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Vendor } from './vendor.entity';

export class VendorView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() partnerId!: string;
  @ApiProperty() turnaroundDays!: number;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'where its events are also POSTed (PUT /partners/{partnerId}/webhook changes it)' }) webhookUrl!: string | null;
  @ApiProperty({ description: 'the queue the vendor reads (its own credentials)' }) queue!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() createdBy!: string;
}

/** The answer to registering a vendor with a webhook URL: the only time its signing secret is shown. */
export class CreatedVendorView extends VendorView {
  @ApiPropertyOptional({ description: 'the webhook signing secret, when a webhookUrl was given; store it now, it is never shown again' }) webhookSecret?: string;
}

export function toVendorView(vendor: Vendor, queue: string, webhookUrl: string | null): VendorView {
  return {
    id: vendor.id,
    name: vendor.name,
    partnerId: vendor.partnerId,
    turnaroundDays: vendor.turnaroundDays,
    webhookUrl,
    queue,
    createdAt: vendor.createdAt.toISOString(),
    createdBy: vendor.createdBy,
  };
}
