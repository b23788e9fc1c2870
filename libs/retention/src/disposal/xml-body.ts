import type { Request } from 'express';
import { DomainError, ErrorCode } from '@app/common';
import { readMultipart } from '@app/storage';

const MAX_XML_BYTES = 20 * 1024 * 1024;

async function readAll(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new DomainError(ErrorCode.PayloadTooLarge, `the XML message exceeds ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function isXmlRequest(req: Request): boolean {
  return /^(application|text)\/([a-z0-9.+-]*\+)?xml\b/i.test(req.headers['content-type'] ?? '');
}

/** The xdomea XML of a request: raw body (application/xml) or the multipart part `file`. */
export async function readXmlBody(req: Request): Promise<string> {
  const type = req.headers['content-type'] ?? '';
  let body: Buffer;
  if (isXmlRequest(req)) body = await readAll(req, MAX_XML_BYTES);
  else if (/^multipart\/form-data/i.test(type)) {
    const { files } = await readMultipart(req, { maxFileBytes: MAX_XML_BYTES, maxFiles: 1 }, async (stream, info) => {
      if (info.field !== 'file') throw DomainError.validation(`unexpected file field ${info.field}`);
      return readAll(stream, MAX_XML_BYTES);
    });
    const failed = files.find((f) => f.error);
    if (failed) throw failed.error;
    if (files.length !== 1 || !files[0].result) throw DomainError.validation('exactly one file part named "file" is required', [{ field: 'file', errors: ['required'] }]);
    body = files[0].result;
  } else {
    throw new DomainError(ErrorCode.UnsupportedMediaType, 'send the xdomea message as application/xml or as multipart/form-data part "file"');
  }
  if (!body.length) throw DomainError.validation('the XML message is empty');
  return body.toString('utf8').replace(/^\uFEFF/, '');
}
