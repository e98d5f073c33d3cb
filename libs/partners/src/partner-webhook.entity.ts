import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A partner that receives its events by HTTP: where to POST them and the secret they are signed with. */
@Entity({ name: 'partner_webhook' })
export class PartnerWebhook {
  @PrimaryColumn('text', { name: 'partner_id' }) partnerId!: string;
  @Column('text') url!: string;
  /** Kept readable because HMAC needs it to sign; shown to the admin once, when it is set. */
  @Column('text') secret!: string;
  @Column('text', { name: 'created_by' }) createdBy!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('text', { name: 'updated_by' }) updatedBy!: string;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
