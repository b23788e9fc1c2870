import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type RetentionTrigger = 'closed' | 'created';
export type DisposalAction = 'destroy' | 'archive' | 'review';

/** Aktenplaneinheit: a node of the file plan; case files are formed at its units. */
@Entity('file_plan_units')
export class FilePlanUnit {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  code: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ name: 'parent_code', type: 'varchar', length: 64, nullable: true })
  parentCode: string | null;

  @Column({ name: 'department_code', type: 'varchar', length: 16 })
  departmentCode: string;

  /** Aufbewahrungsfrist in years; null = keep forever. */
  @Column({ name: 'retention_years', type: 'integer', nullable: true })
  retentionYears: number | null;

  @Column({ name: 'retention_trigger', type: 'varchar', length: 16 })
  retentionTrigger: RetentionTrigger;

  /** Aussonderungsart proposal: destroy (V), archive (A), review (B). */
  @Column({ type: 'varchar', length: 16 })
  disposal: DisposalAction;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
