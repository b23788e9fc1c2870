import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DomainError, ErrorCode } from '@app/common';
import { DisposalCode, MessageType } from './xdomea-messages';
import { XmlElement, XdomeaFormatError, childText, childrenNamed, parseXml, structuralErrors } from './xdomea-structure';

export interface SchemaCheck {
  /** Whether the official XSD was available and used (xmllint). */
  xsd: boolean;
  errors: string[];
}

/** Runs `xmllint --noout --schema <dir>/xdomea.xsd -`; null when xmllint or the schemas are absent. */
export async function xmllintErrors(xml: string, schemaDir: string, timeoutMs = 30_000): Promise<string[] | null> {
  const xsd = path.join(schemaDir, 'xdomea.xsd');
  if (!existsSync(xsd)) return null;
  return new Promise((resolve) => {
    let stderr = '';
    let settled = false;
    const child = spawn('xmllint', ['--noout', '--nonet', '--schema', xsd, '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', () => {
      clearTimeout(timer);
      if (!settled) resolve(null);
      settled = true;
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += d.toString('utf8');
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      if (code === 0) return resolve([]);
      const lines = stderr
        .split('\n')
        .map((l) => l.replace(/^-:/, 'line '))
        .filter((l) => l && !/fails to validate$/.test(l));
      resolve(lines.length ? lines.slice(0, 50) : [`xmllint exited with ${code}`]);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(xml);
  });
}

export interface Appraisal0502 {
  processId: string;
  decisions: { id: string; code: DisposalCode }[];
}

export interface Confirmation0506 {
  processId: string;
  results: { id: string; ok: boolean; archiveId: string | null; errors: string[] }[];
}

/**
 * Validates xdomea messages: always with the in-repo structural check, and with xmllint against
 * the official XSDs when they are available (RETENTION: XDOMEA_SCHEMA_DIR, default ../shared).
 */
@Injectable()
export class XdomeaValidator {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async validate(xml: string, type: MessageType): Promise<SchemaCheck> {
    const errors = structuralErrors(xml, type);
    const xsdErrors = errors.length && /well-formed|DOCTYPE/.test(errors[0]) ? null : await xmllintErrors(xml, this.config.retention.xdomeaSchemaDir);
    return { xsd: xsdErrors !== null, errors: [...(xsdErrors ?? []), ...errors.map((e) => `structure: ${e}`)] };
  }

  /** Parses and validates an incoming message; invalid → 422 with the errors in `details`. */
  private async incoming(xml: string, type: MessageType): Promise<XmlElement> {
    const check = await this.validate(xml, type);
    if (check.errors.length) {
      throw new DomainError(ErrorCode.UnprocessableContent, `the ${type} message does not validate against xdomea 3.1.0`, { schemaErrors: check.errors, xsd: check.xsd });
    }
    try {
      return parseXml(xml);
    } catch (e) {
      if (e instanceof XdomeaFormatError) throw new DomainError(ErrorCode.UnprocessableContent, e.message, { schemaErrors: e.errors });
      throw e;
    }
  }

  async read0502(xml: string): Promise<Appraisal0502> {
    const root = await this.incoming(xml, '0502');
    return {
      processId: childText(root, 'Kopf', 'ProzessID')!.toLowerCase(),
      decisions: childrenNamed(root, 'BewertetesObjekt').map((o) => ({
        id: childText(o, 'ID')!.toLowerCase(),
        code: (childText(o, 'Aussonderungsart', 'Aussonderungsart', 'code') ?? 'B') as DisposalCode,
      })),
    };
  }

  async read0506(xml: string): Promise<Confirmation0506> {
    const root = await this.incoming(xml, '0506');
    return {
      processId: childText(root, 'Kopf', 'ProzessID')!.toLowerCase(),
      results: childrenNamed(root, 'AusgesondertesSGO').map((o) => ({
        id: childText(o, 'IDSGO')!.toLowerCase(),
        ok: ['true', '1'].includes(childText(o, 'Erfolgreich') ?? ''),
        archiveId: childText(o, 'Archivkennung'),
        errors: childrenNamed(o, 'Fehlermeldung').map((f) => f.text.trim()),
      })),
    };
  }
}
