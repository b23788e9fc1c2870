import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type Confidentiality = 'public' | 'internal' | 'confidential' | 'secret';
export const CONFIDENTIALITY_LEVELS: Confidentiality[] = ['public', 'internal', 'confidential', 'secret'];

/** Akte: all records on one matter, identified by its Aktenzeichen (`reference`). */
@Entity('case_files')
export class CaseFile {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Aktenzeichen, e.g. `32.1.2-2026/00017`. */
  @Column({ type: 'varchar', length: 128, unique: true })
  reference: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ name: 'file_plan_code', type: 'varchar', length: 64 })
  filePlanCode: string;

  /** Federführung: the lead department. */
  @Column({ name: 'department_code', type: 'varchar', length: 16 })
  departmentCode: string;

  @Column({ type: 'varchar', length: 16, default: 'internal' })
  confidentiality: Confidentiality;

  /** `open` (in Bearbeitung) or `closed` (zdA); disposal adds its own states. */
  @Column({ type: 'varchar', length: 16, default: 'open' })
  status: string;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt: Date;

  /** zdA date: the retention clock of `closed`-triggered rules starts here. */
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  /** End of the retention period; null while undetermined (open) or when kept forever. */
  @Column({ name: 'retain_until', type: 'timestamptz', nullable: true })
  retainUntil: Date | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
