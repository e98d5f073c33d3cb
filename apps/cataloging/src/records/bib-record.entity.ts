import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A bibliographic record: the work every copy of it shares. Copies join it by ISBN or ISSN. */
@Entity({ name: 'bib_record' })
export class BibRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  title!: string;

  @Column('text', { array: true, default: () => `'{}'` })
  creators!: string[];

  /** ISBN-13, digits only (ISBN-10 input is converted). */
  @Column({ type: 'char', length: 13, nullable: true, unique: true })
  isbn!: string | null;

  /** `NNNN-NNNC`. */
  @Column({ type: 'char', length: 9, nullable: true, unique: true })
  issn!: string | null;

  @Column('text', { nullable: true })
  publisher!: string | null;

  @Column('integer', { name: 'publication_year', nullable: true })
  publicationYear!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
