import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Vendor } from './vendor.entity';

export class VendorView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() partnerId!: string;
  @ApiProperty() turnaroundDays!: number;
  @ApiPropertyOptional({ type: String, nullable: true }) webhookUrl!: string | null;
  @ApiProperty({ description: 'the queue the vendor reads (its own credentials)' }) queue!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() createdBy!: string;
}

export function toVendorView(vendor: Vendor, queue: string): VendorView {
  return {
    id: vendor.id,
    name: vendor.name,
    partnerId: vendor.partnerId,
    turnaroundDays: vendor.turnaroundDays,
    webhookUrl: vendor.webhookUrl,
    queue,
    createdAt: vendor.createdAt.toISOString(),
    createdBy: vendor.createdBy,
  };
}
