import { PassThrough, Readable } from 'node:stream';
import type { IncomingHttpHeaders } from 'node:http';
import busboy from 'busboy';
import { DomainError, ErrorCode } from '@app/common';

export interface FilePartInfo {
  field: string;
  /** The client's file name, reduced to a safe base name (no paths, no control characters). */
  filename: string;
  declaredType: string;
}

export interface FilePart<T> extends FilePartInfo {
  result?: T;
  error?: Error;
}

export interface MultipartLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxFields?: number;
  maxFieldBytes?: number;
}

export interface MultipartOptions<T> {
  /**
   * Undoes a file handler's result (removes what it stored) when the request as a whole is
   * refused (too many files, a field too long, malformed or aborted): nothing is left behind.
   */
  discard?: (result: T) => Promise<unknown>;
}

/** Strips directories and odd characters from a client-supplied file name. */
export function safeFilename(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 200);
  return cleaned || 'upload';
}

/**
 * Streams a multipart/form-data request: each file part is handed to `onFile` as a stream while
 * it arrives (nothing is buffered whole). A failing file is reported on its part and drained, so
 * the other parts go on. Resolves when the request and every handler are done.
 */
export function readMultipart<T>(
  req: Readable & { headers: IncomingHttpHeaders },
  limits: MultipartLimits,
  onFile: (stream: Readable, info: FilePartInfo) => Promise<T>,
  options: MultipartOptions<T> = {},
): Promise<{ fields: Record<string, string>; files: FilePart<T>[] }> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    return Promise.reject(new DomainError(ErrorCode.UnsupportedMediaType, 'expected a multipart/form-data body'));
  }
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: {
          fileSize: limits.maxFileBytes + 1,
          files: limits.maxFiles,
          fields: limits.maxFields ?? 50,
          fieldSize: limits.maxFieldBytes ?? 64 * 1024,
          parts: limits.maxFiles + (limits.maxFields ?? 50),
        },
        defParamCharset: 'utf8',
      });
    } catch (e) {
      reject(new DomainError(ErrorCode.BadRequest, `malformed multipart request: ${(e as Error).message}`));
      return;
    }
    const fields: Record<string, string> = {};
    const files: FilePart<T>[] = [];
    const work: Promise<void>[] = [];
    /** Refuses the request after undoing what the handlers stored. */
    const refuse = async (error: Error | null) => {
      await Promise.allSettled(work);
      if (options.discard) {
        await Promise.allSettled(files.filter((f) => f.result !== undefined).map((f) => options.discard!(f.result as T)));
      }
      reject(error);
    };
    let failed: Error | null = null;
    let tooMany = false;

    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) failed ??= DomainError.validation(`field ${name} is too long`);
      fields[name] = value;
    });
    bb.on('file', (field, stream, info) => {
      const part: FilePart<T> = { field, filename: safeFilename(info.filename), declaredType: info.mimeType };
      files.push(part);
      const pass = new PassThrough();
      stream.on('limit', () =>
        pass.destroy(new DomainError(ErrorCode.PayloadTooLarge, `file ${part.filename} exceeds ${limits.maxFileBytes} bytes`)),
      );
      stream.pipe(pass);
      work.push(
        onFile(pass, part).then(
          (result) => {
            part.result = result;
          },
          (error: Error) => {
            part.error = error;
            stream.unpipe(pass);
            stream.resume();
          },
        ),
      );
    });
    bb.on('filesLimit', () => {
      tooMany = true;
    });
    bb.on('error', (e: Error) => {
      failed ??= new DomainError(ErrorCode.BadRequest, `malformed multipart request: ${e.message}`);
      req.unpipe(bb);
      req.resume();
      void refuse(failed);
    });
    bb.on('close', () => {
      Promise.allSettled(work).then(() => {
        if (failed) void refuse(failed);
        else if (tooMany) void refuse(new DomainError(ErrorCode.PayloadTooLarge, `at most ${limits.maxFiles} files per request`));
        else resolve({ fields, files });
      });
    });
    req.on('aborted', () => {
      failed ??= new DomainError(ErrorCode.BadRequest, 'upload aborted by the client');
      bb.destroy(failed);
    });
    req.pipe(bb);
  });
}
