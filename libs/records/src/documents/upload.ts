import type { Request } from 'express';
import { DomainError, validateFields } from '@app/common';
import { readMultipart } from '@app/storage';
import type { DocumentService, UploadedOriginal } from './document.service';

/**
 * Reads a multipart request with exactly one `file` part (streamed into storage as it arrives)
 * and form fields validated against `fieldsDto`. On any error the stored object is discarded.
 */
export async function readSingleUpload<T extends object>(
  req: Request,
  documents: DocumentService,
  maxBytes: number,
  fieldsDto: new () => T,
): Promise<{ fields: T; upload: UploadedOriginal }> {
  const { fields, files } = await readMultipart(
    req,
    { maxFileBytes: maxBytes, maxFiles: 2 },
    (stream, info) => (info.field === 'file' ? documents.storeUpload(stream, info) : Promise.reject(DomainError.validation(`unexpected file field ${info.field}`))),
    // a request refused as a whole (too many files, a field too long, aborted) leaves no object behind
    { discard: (upload) => documents.discardUpload(upload) },
  );
  const stored = files.filter((f) => f.result).map((f) => f.result!);
  const discardAll = () => Promise.all(stored.map((u) => documents.discardUpload(u)));
  const failed = files.find((f) => f.error);
  if (failed) {
    await discardAll();
    throw failed.error;
  }
  if (files.length !== 1 || !stored[0]) {
    await discardAll();
    throw DomainError.validation('exactly one file part named "file" is required', [{ field: 'file', errors: ['required, exactly once'] }]);
  }
  try {
    return { fields: await validateFields(fieldsDto, fields), upload: stored[0] };
  } catch (e) {
    await discardAll();
    throw e;
  }
}
