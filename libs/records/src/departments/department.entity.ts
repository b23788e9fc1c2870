import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Amt: an organisational unit (KGSt code, e.g. "32" Ordnungsamt). */
@Entity('departments')
export class Department {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
