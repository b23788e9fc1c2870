import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** `original`: the bytes as received, unchanged. `searchable`: the PDF rendition with a text layer. */
export type FileVariant = 'original' | 'searchable';
export const FILE_VARIANTS: FileVariant[] = ['original', 'searchable'];

/** Format (xdomea): one stored rendition of a version, content-addressed in object storage. */
@Entity('document_files')
export class DocumentFile {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'version_id', type: 'uuid' })
  versionId: string;

  @Column({ type: 'varchar', length: 16 })
  variant: FileVariant;

  @Column({ name: 'storage_key', type: 'text' })
  storageKey: string;

  @Column({ type: 'char', length: 64 })
  sha256: string;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  size: number;

  @Column({ name: 'mime_type', type: 'varchar', length: 128 })
  mimeType: string;

  @Column({ type: 'text', nullable: true })
  filename: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
