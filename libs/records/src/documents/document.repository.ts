import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { ObjectStorage } from '@app/storage';
import { Document } from './document.entity';
import { DocumentFile, FileVariant } from './document-file.entity';
import { DocumentVersion } from './document-version.entity';
import { claimStoredObjects } from './object-claims';

export interface NewFile {
  variant: FileVariant;
  storageKey: string;
  sha256: string;
  size: number;
  mimeType: string;
  filename: string | null;
}

@Injectable()
export class DocumentRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly storage: ObjectStorage,
  ) {}

  private manager(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }

  /**
   * Documents per status, for metrics: one GROUP BY bounded by a statement timeout, so a scrape
   * never holds the database (read-only transaction, nothing locked).
   */
  async countByStatus(timeoutMs = 2000): Promise<Array<{ status: string; count: number }>> {
    return this.dataSource.transaction(async (m) => {
      await m.query(`SET TRANSACTION READ ONLY`);
      await m.query(`SELECT set_config('statement_timeout', $1, true)`, [String(timeoutMs)]);
      const rows: Array<{ status: string; count: string }> = await m.query(`SELECT status, count(*) AS count FROM documents GROUP BY status`);
      return rows.map((r) => ({ status: r.status, count: Number(r.count) }));
    });
  }

  findById(id: string, m?: EntityManager): Promise<Document | null> {
    return this.manager(m).getRepository(Document).findOne({ where: { id } });
  }

  findByIdForUpdate(m: EntityManager, id: string): Promise<Document | null> {
    return m.getRepository(Document).createQueryBuilder('d').setLock('pessimistic_write').where('d.id = :id', { id }).getOne();
  }

  async versionsWithFiles(documentId: string, m?: EntityManager): Promise<{ versions: DocumentVersion[]; files: DocumentFile[] }> {
    const versions = await this.manager(m).getRepository(DocumentVersion).find({ where: { documentId }, order: { versionNo: 'ASC' } });
    const files = versions.length
      ? await this.manager(m).getRepository(DocumentFile).find({ where: { versionId: In(versions.map((v) => v.id)) } })
      : [];
    return { versions, files };
  }

  async findFile(documentId: string, versionNo: number, variant: FileVariant): Promise<DocumentFile | null> {
    return this.dataSource
      .getRepository(DocumentFile)
      .createQueryBuilder('f')
      .innerJoin(DocumentVersion, 'v', 'v.id = f.version_id')
      .where('v.document_id = :documentId AND v.version_no = :versionNo AND f.variant = :variant', { documentId, versionNo, variant })
      .getOne();
  }

  async text(documentId: string): Promise<string | null> {
    const row = await this.dataSource
      .getRepository(Document)
      .createQueryBuilder('d')
      .select('d.text_content', 'text')
      .where('d.id = :documentId', { documentId })
      .getRawOne<{ text: string | null }>();
    return row?.text ?? null;
  }

  /** Inserts a document with its first version and files. */
  async create(m: EntityManager, doc: Partial<Document>, createdBy: string, files: NewFile[], comment: string | null = null): Promise<Document> {
    const saved = await m.getRepository(Document).save(m.getRepository(Document).create({ ...doc, currentVersion: 1, createdBy }));
    await this.addVersion(m, saved.id, 1, createdBy, files, comment);
    return saved;
  }

  async addVersion(m: EntityManager, documentId: string, versionNo: number, createdBy: string, files: NewFile[], comment: string | null): Promise<DocumentVersion> {
    const version = await m.getRepository(DocumentVersion).save(m.getRepository(DocumentVersion).create({ documentId, versionNo, createdBy, comment }));
    await this.addFiles(m, version.id, files);
    return version;
  }

  async addFiles(m: EntityManager, versionId: string, files: NewFile[]): Promise<void> {
    if (!files.length) return;
    await claimStoredObjects(m, this.storage, files.map((f) => f.storageKey));
    await m.getRepository(DocumentFile).insert(files.map((f) => ({ ...f, versionId })));
  }
}
