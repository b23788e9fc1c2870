/**
 * The pipeline stores why it suggested what it did as English sentences (classification.reasons,
 * written by decideFiling and the pipeline's commit). Screens show them in the user's language,
 * so the inbox answers each reason also as a code with its values; a sentence this table does not
 * know is answered as `other` with its text (never dropped).
 */
export type SuggestionReasonCode =
  | 'reference_matches_open'
  | 'reference_other_department'
  | 'reference_not_open'
  | 'ambiguous_references'
  | 'reference_unknown'
  | 'no_reference'
  | 'routed_by_scan_centre'
  | 'department_of_case_file'
  | 'department_predicted'
  | 'closed_before_filing'
  | 'document_type_predicted'
  | 'other';

export interface SuggestionReason {
  code: SuggestionReasonCode;
  /** Values for the sentence (references, department codes, probabilities as text, evidence words). */
  params: Record<string, string>;
  /** The stored sentence. */
  text: string;
}

const PATTERNS: Array<[SuggestionReasonCode, RegExp, string[]]> = [
  ['reference_matches_open', /^reference (\S+)(?: \((.+)\))? matches open case file$/, ['reference', 'label']],
  ['reference_other_department', /^reference (\S+) belongs to department (\S+), but the scan centre routed the letter to (\S+)$/, ['reference', 'departmentCode', 'routedTo']],
  ['reference_not_open', /^reference (\S+) matches case file that is (\S+): not filed$/, ['reference', 'status']],
  ['ambiguous_references', /^ambiguous: references of (\d+) open case files \((.*)\)$/, ['count', 'references']],
  ['reference_unknown', /^reference (.+) matches no case file$/, ['references']],
  ['no_reference', /^no file reference found$/, []],
  ['routed_by_scan_centre', /^routed by the scan centre to department (\S+)$/, ['departmentCode']],
  ['department_of_case_file', /^department (\S+) of the referenced case file$/, ['departmentCode']],
  ['department_predicted', /^department (\S+) predicted \(p=([0-9.]+)\)(?:: (.*))?$/, ['departmentCode', 'probability', 'evidence']],
  ['closed_before_filing', /^case file (\S+) was closed before filing$/, ['reference']],
  ['document_type_predicted', /^document type (\S+) \(p=([0-9.]+)\)(?:: (.*))?$/, ['documentType', 'probability', 'evidence']],
];

export function describeReason(text: string): SuggestionReason {
  for (const [code, re, names] of PATTERNS) {
    const m = re.exec(text);
    if (!m) continue;
    const params: Record<string, string> = {};
    names.forEach((n, i) => {
      if (m[i + 1] !== undefined) params[n] = m[i + 1];
    });
    return { code, params, text };
  }
  return { code: 'other', params: {}, text };
}
