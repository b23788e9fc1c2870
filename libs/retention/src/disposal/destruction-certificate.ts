import { PDFDocument, PDFFont, StandardFonts, rgb } from 'pdf-lib';
import type { DisposalItem, DisposalOffer } from './disposal.repository';

/** Vernichtungsnachweis: what left the live system, under which rule and release, by whom, when. */
export interface DestructionCertificate {
  offerId: string;
  processId: string;
  issuedAt: string;
  issuedBy: string;
  caseFiles: {
    caseFileId: string;
    reference: string;
    title: string;
    outcome: 'destroyed' | 'archived';
    archiveId: string | null;
    rule: { filePlanCode: string; years: number | null; trigger: string; disposal: string };
    decision: string | null;
    release: string;
    by: string;
    at: string;
    documents: number;
    versions: number;
    objects: { sha256: string; removed: boolean; shared: boolean }[];
  }[];
}

export function certificateOf(offer: DisposalOffer, items: DisposalItem[], issuedBy: string, issuedAt: Date): DestructionCertificate {
  return {
    offerId: offer.id,
    processId: offer.processId,
    issuedAt: issuedAt.toISOString(),
    issuedBy,
    caseFiles: items
      .filter((i) => (i.outcome === 'destroyed' || i.outcome === 'archived') && i.destruction)
      .map((i) => ({
        caseFileId: i.caseFileId,
        reference: i.reference,
        title: i.title,
        outcome: i.outcome as 'destroyed' | 'archived',
        archiveId: i.archiveId,
        rule: { filePlanCode: i.filePlanCode, years: i.retentionYears, trigger: i.retentionTrigger, disposal: i.disposal },
        decision: i.decision,
        release: i.destruction!.release,
        by: i.destruction!.destroyedBy,
        at: i.destruction!.destroyedAt,
        documents: i.destruction!.documents.length,
        versions: i.destruction!.documents.reduce((n, d) => n + d.versions, 0),
        objects: i.destruction!.objects.map((o) => ({ sha256: o.sha256, removed: o.removed, shared: !!o.shared })),
      })),
  };
}

/** Standard PDF fonts speak WinAnsi only: anything else becomes '?'. */
function winAnsi(s: string): string {
  return s.replace(/[^\x20-\x7e\u00a0-\u00ff€]/g, '?');
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of winAnsi(text).split(/\s+/)) {
    const candidate = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(candidate, size) <= width) line = candidate;
    else {
      if (line) lines.push(line);
      line = word;
      while (font.widthOfTextAtSize(line, size) > width) {
        let cut = line.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(line.slice(0, cut), size) > width) cut--;
        lines.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    }
  }
  if (line) lines.push(line);
  return lines;
}

export async function certificatePdf(c: DestructionCertificate): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Vernichtungsnachweis ${c.processId}`);
  pdf.setProducer('E-Akte');
  pdf.setCreationDate(new Date(c.issuedAt));
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const mono = await pdf.embedFont(StandardFonts.Courier);
  const margin = 50;
  let page = pdf.addPage([595.28, 841.89]);
  let y = page.getHeight() - margin;
  const width = page.getWidth() - 2 * margin;
  const write = (text: string, f: PDFFont = font, size = 10) => {
    for (const l of wrap(text, f, size, width)) {
      if (y < margin + size) {
        page = pdf.addPage([595.28, 841.89]);
        y = page.getHeight() - margin;
      }
      page.drawText(l, { x: margin, y, size, font: f, color: rgb(0, 0, 0) });
      y -= size * 1.35;
    }
  };
  write('Vernichtungsnachweis / Destruction certificate', bold, 16);
  y -= 6;
  write(`Aussonderung (disposal offer) ${c.offerId}, ProzessID ${c.processId}`);
  write(`Ausgestellt (issued) ${c.issuedAt} by ${c.issuedBy}`);
  write(`Case files removed from the live system: ${c.caseFiles.length}`);
  for (const f of c.caseFiles) {
    y -= 8;
    write(`${f.reference}  ${f.title}`, bold, 11);
    write(`Outcome: ${f.outcome === 'destroyed' ? 'vernichtet (destroyed)' : `an das Archiv abgegeben (archived${f.archiveId ? `, Archivkennung ${f.archiveId}` : ''})`}`);
    write(`Rule: file plan ${f.rule.filePlanCode}, ${f.rule.years ?? 'unbefristet'} years after ${f.rule.trigger}, disposal ${f.rule.disposal}; decision ${f.decision ?? '(by rule)'}`);
    write(`Release: ${f.release}`);
    write(`By ${f.by} at ${f.at}; ${f.documents} documents, ${f.versions} versions, ${f.objects.length} objects`);
    for (const o of f.objects) write(`sha256 ${o.sha256} ${o.removed ? (o.shared ? 'kept (shared with another record)' : 'removed') : 'removal pending'}`, mono, 7.5);
  }
  return Buffer.from(await pdf.save());
}
