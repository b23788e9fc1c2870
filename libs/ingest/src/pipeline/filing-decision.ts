import type { TextPrediction } from '@app/classification';

/** A case file an extracted reference points to. */
export interface ReferencedCaseFile {
  id: string;
  reference: string;
  status: string;
  departmentCode: string;
  /** The label the reference was found under ("Ihr Zeichen", "Az."…), if any. */
  label: string | null;
}

export type FilingDecision =
  | { action: 'file'; caseFile: ReferencedCaseFile; reasons: string[] }
  | { action: 'inbox'; departmentCode: string | null; caseFileReference: string | null; reasons: string[] };

/**
 * Where a scanned letter goes. Misfiling is worse than not filing: a document is filed only when
 * exactly one referenced case file exists, is open and lies in the department the routing hint
 * names (if any). Everything else goes to a department's inbox with the reasons.
 */
export function decideFiling(input: { referenced: ReferencedCaseFile[]; unknownReferences: string[]; departmentHint: string | null; prediction: TextPrediction }): FilingDecision {
  const { referenced, unknownReferences, departmentHint, prediction } = input;
  const reasons: string[] = [];
  const distinct = [...new Map(referenced.map((c) => [c.id, c])).values()];
  const open = distinct.filter((c) => c.status === 'open');
  if (distinct.length === 1 && open.length === 1) {
    const only = open[0];
    if (!departmentHint || only.departmentCode === departmentHint) {
      return { action: 'file', caseFile: only, reasons: [`reference ${only.reference}${only.label ? ` (${only.label})` : ''} matches open case file`] };
    }
    reasons.push(`reference ${only.reference} belongs to department ${only.departmentCode}, but the scan centre routed the letter to ${departmentHint}`);
  }
  for (const c of distinct.filter((c) => c.status !== 'open')) reasons.push(`reference ${c.reference} matches case file that is ${c.status}: not filed`);
  if (open.length > 1) reasons.push(`ambiguous: references of ${open.length} open case files (${open.map((c) => c.reference).join(', ')})`);
  if (!distinct.length && unknownReferences.length) reasons.push(`reference ${unknownReferences.slice(0, 3).join(', ')} matches no case file`);
  if (!distinct.length && !unknownReferences.length) reasons.push('no file reference found');

  let departmentCode: string | null = null;
  if (departmentHint) {
    departmentCode = departmentHint;
    reasons.push(`routed by the scan centre to department ${departmentHint}`);
  } else if (distinct.length === 1) {
    departmentCode = distinct[0].departmentCode;
    reasons.push(`department ${departmentCode} of the referenced case file`);
  } else if (prediction.department) {
    departmentCode = prediction.department.label;
    reasons.push(
      `department ${departmentCode} predicted (p=${prediction.department.confidence.toFixed(2)})${prediction.department.evidence.length ? `: ${prediction.department.evidence.join(', ')}` : ''}`,
    );
  }
  return { action: 'inbox', departmentCode, caseFileReference: distinct.length === 1 ? distinct[0].reference : null, reasons };
}
