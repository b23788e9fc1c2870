import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type VorgangStatus = 'open' | 'closed';
export const VORGANG_STATUSES: VorgangStatus[] = ['open', 'closed'];

/** Vorgang: a chronological sub-unit of a case file (one application, one objection). */
@Entity('vorgaenge')
export class Vorgang {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'case_file_id', type: 'uuid' })
  caseFileId: string;

  /** Running number within the case file (1, 2, …; no gaps). */
  @Column({ type: 'integer' })
  number: number;

  /** Vorgangszeichen, e.g. `32.1.2-2026/00017/3` (VORGANG_REFERENCE_PATTERN). */
  @Column({ type: 'varchar', length: 160, unique: true })
  reference: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  status: VorgangStatus;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
