import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BindingSlip } from '@app/contracts';
import { iso } from '../common/views';
import { Vendor } from '../vendors/vendor.entity';
import { BinderyLine } from './bindery-line.entity';
import { BinderyShipment, SHIPMENT_STATUSES, ShipmentStatus } from './bindery-shipment.entity';

export class BindingSlipView implements BindingSlip {
  @ApiProperty() bindingStyle!: string;
  @ApiProperty() leafAttachment!: string;
  @ApiProperty() clothColor!: string;
  @ApiProperty() foilColor!: string;
  @ApiProperty({ type: [String] }) spineLettering!: string[];
  @ApiPropertyOptional({ type: String, nullable: true }) instructions!: string | null;
}

export class ShipmentLineView {
  @ApiProperty({ description: 'numbered from 1 within the lot' }) lineNo!: number;
  @ApiProperty() itemId!: string;
  @ApiProperty() barcode!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) callNumber!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty({ type: BindingSlipView }) slip!: BindingSlipView;
  @ApiProperty() addedAt!: string;
  @ApiProperty() addedBy!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) returnedAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) returnedBy!: string | null;
}

export class ShipmentVendorView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() partnerId!: string;
  @ApiProperty() turnaroundDays!: number;
}

export class ShipmentView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'CEN-20260115-1' }) lotNumber!: string;
  @ApiProperty() branch!: string;
  @ApiProperty({ enum: SHIPMENT_STATUSES }) status!: ShipmentStatus;
  @ApiProperty({ type: ShipmentVendorView }) vendor!: ShipmentVendorView;
  @ApiProperty() createdAt!: string;
  @ApiProperty() createdBy!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) dispatchedAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) dispatchedBy!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'dispatch + the vendor turnaround, in calendar days' }) expectedReturnAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'when the last line came back' }) returnedAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'when the vendor acknowledged the lot' }) acknowledgedAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) acknowledgedBy!: string | null;
  @ApiProperty() lineCount!: number;
  @ApiProperty() returnedCount!: number;
  @ApiProperty({ description: 'dispatched, not fully back, and the expected return date has passed' }) overdue!: boolean;
}

export class ShipmentDetailView extends ShipmentView {
  @ApiProperty({ type: [ShipmentLineView] }) lines!: ShipmentLineView[];
}

export class ReturnRejectionView {
  @ApiProperty() barcode!: string;
  @ApiProperty({ example: 'not in the lot' }) reason!: string;
}

export class ReturnResultView {
  @ApiProperty({ type: [String] }) accepted!: string[];
  @ApiProperty({ type: [ReturnRejectionView] }) rejected!: ReturnRejectionView[];
  @ApiProperty({ enum: SHIPMENT_STATUSES, description: 'returned once every line is back' }) status!: ShipmentStatus;
}

/** What a vendor sees of one of its lots: the manifest, not the library's internal bookkeeping. */
export class VendorShipmentView {
  @ApiProperty() id!: string;
  @ApiProperty() lotNumber!: string;
  @ApiProperty({ enum: SHIPMENT_STATUSES }) status!: ShipmentStatus;
  @ApiProperty() dispatchedAt!: string;
  @ApiProperty() expectedReturnAt!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) returnedAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) acknowledgedAt!: string | null;
  @ApiProperty() lineCount!: number;
}

export class VendorLineView {
  @ApiProperty() lineNo!: number;
  @ApiProperty() barcode!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) callNumber!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty({ type: BindingSlipView }) slip!: BindingSlipView;
  @ApiPropertyOptional({ type: String, nullable: true }) returnedAt!: string | null;
}

export class VendorShipmentDetailView extends VendorShipmentView {
  @ApiProperty({ type: [VendorLineView] }) lines!: VendorLineView[];
}

export interface LineCounts {
  lineCount: number;
  returnedCount: number;
}

export function slipOf(line: BinderyLine): BindingSlipView {
  return {
    bindingStyle: line.bindingStyle,
    leafAttachment: line.leafAttachment,
    clothColor: line.clothColor,
    foilColor: line.foilColor,
    spineLettering: line.spineLettering,
    instructions: line.instructions,
  };
}

export function isOverdue(lot: BinderyShipment, now = new Date()): boolean {
  return lot.status === 'dispatched' && lot.expectedReturnAt !== null && lot.expectedReturnAt.getTime() < now.getTime();
}

export function toShipmentView(lot: BinderyShipment, vendor: Vendor, counts: LineCounts): ShipmentView {
  return {
    id: lot.id,
    lotNumber: lot.lotNumber,
    branch: lot.branch,
    status: lot.status,
    vendor: { id: vendor.id, name: vendor.name, partnerId: vendor.partnerId, turnaroundDays: vendor.turnaroundDays },
    createdAt: lot.createdAt.toISOString(),
    createdBy: lot.createdBy,
    dispatchedAt: iso(lot.dispatchedAt),
    dispatchedBy: lot.dispatchedBy,
    expectedReturnAt: iso(lot.expectedReturnAt),
    returnedAt: iso(lot.returnedAt),
    acknowledgedAt: iso(lot.acknowledgedAt),
    acknowledgedBy: lot.acknowledgedBy,
    lineCount: counts.lineCount,
    returnedCount: counts.returnedCount,
    overdue: isOverdue(lot),
  };
}

export function toLineView(line: BinderyLine): ShipmentLineView {
  return {
    lineNo: line.lineNo,
    itemId: line.itemId,
    barcode: line.barcode,
    callNumber: line.callNumber,
    title: line.title,
    slip: slipOf(line),
    addedAt: line.addedAt.toISOString(),
    addedBy: line.addedBy,
    returnedAt: iso(line.returnedAt),
    returnedBy: line.returnedBy,
  };
}

export function toVendorShipmentView(lot: BinderyShipment, lineCount: number): VendorShipmentView {
  return {
    id: lot.id,
    lotNumber: lot.lotNumber,
    status: lot.status,
    dispatchedAt: lot.dispatchedAt!.toISOString(),
    expectedReturnAt: lot.expectedReturnAt!.toISOString(),
    returnedAt: iso(lot.returnedAt),
    acknowledgedAt: iso(lot.acknowledgedAt),
    lineCount,
  };
}

export function toVendorLineView(line: BinderyLine): VendorLineView {
  return { lineNo: line.lineNo, barcode: line.barcode, callNumber: line.callNumber, title: line.title, slip: slipOf(line), returnedAt: iso(line.returnedAt) };
}
