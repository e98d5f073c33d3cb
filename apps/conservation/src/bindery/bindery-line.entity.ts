import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One item of a lot with its binding slip; lines are numbered from 1 within the lot. */
@Entity({ name: 'bindery_line' })
export class BinderyLine {
  @PrimaryColumn('uuid', { name: 'shipment_id' }) shipmentId!: string;
  @PrimaryColumn('integer', { name: 'line_no' }) lineNo!: number;
  @Column('uuid', { name: 'item_id' }) itemId!: string;
  @Column('text') barcode!: string;
  @Column('text', { name: 'call_number', nullable: true }) callNumber!: string | null;
  @Column('text') title!: string;
  @Column('text', { name: 'binding_style' }) bindingStyle!: string;
  @Column('text', { name: 'leaf_attachment' }) leafAttachment!: string;
  @Column('text', { name: 'cloth_color' }) clothColor!: string;
  @Column('text', { name: 'foil_color' }) foilColor!: string;
  @Column('text', { name: 'spine_lettering', array: true }) spineLettering!: string[];
  @Column('text', { nullable: true }) instructions!: string | null;
  @Column('text', { name: 'added_by' }) addedBy!: string;
  @Column('timestamptz', { name: 'added_at' }) addedAt!: Date;
  @Column('text', { name: 'returned_by', nullable: true }) returnedBy!: string | null;
  @Column('timestamptz', { name: 'returned_at', nullable: true }) returnedAt!: Date | null;
}
