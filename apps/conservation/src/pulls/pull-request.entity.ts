import { Column, Entity, PrimaryColumn } from 'typeorm';
import { PullReason } from '@app/contracts';

export const DAMAGE_TYPES = ['torn-pages', 'loose-pages', 'broken-spine', 'detached-cover', 'water-damage', 'broken-case', 'other'] as const;
export type DamageType = (typeof DAMAGE_TYPES)[number];

export const PULL_REQUEST_STATUSES = ['open', 'pulled', 'not-found', 'cancelled'] as const;
export type PullRequestStatus = (typeof PULL_REQUEST_STATUSES)[number];

/** A request to take an item off the shelf for repair or binding; open until someone walks to it. */
@Entity({ name: 'pull_request' })
export class PullRequest {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'item_id' }) itemId!: string;
  @Column('text') barcode!: string;
  @Column('text') branch!: string;
  @Column('text') reason!: PullReason;
  @Column('text', { nullable: true }) damage!: DamageType | null;
  @Column('text', { nullable: true }) note!: string | null;
  @Column('text') status!: PullRequestStatus;
  @Column('text', { name: 'requested_by' }) requestedBy!: string;
  @Column('timestamptz', { name: 'requested_at' }) requestedAt!: Date;
  @Column('text', { name: 'closed_by', nullable: true }) closedBy!: string | null;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
  /** The item's version when the pull ended: until the catalog reports a newer one, the item is in flux. */
  @Column('integer', { name: 'item_version_at_close', nullable: true }) itemVersionAtClose!: number | null;
}
