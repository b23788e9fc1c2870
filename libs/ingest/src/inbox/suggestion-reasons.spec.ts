import type { TextPrediction } from '@app/classification';
import { decideFiling, ReferencedCaseFile } from '../pipeline/filing-decision';
import { describeReason } from './suggestion-reasons';

const prediction: TextPrediction = {
  documentType: { label: 'widerspruch', confidence: 0.9, evidence: ['widerspruch'] },
  department: { label: '50', confidence: 0.71, evidence: ['wohngeld', 'einkommen'] },
  modelVersion: {},
};
const cf = (o: Partial<ReferencedCaseFile>): ReferencedCaseFile => ({ id: 'a', reference: '32.1.2-2026/00001', status: 'open', departmentCode: '32', label: 'Ihr Zeichen', ...o });
const codes = (reasons: string[]) => reasons.map((r) => describeReason(r).code);

describe('describeReason', () => {
  it('knows every sentence decideFiling writes', () => {
    const all = [
      decideFiling({ referenced: [cf({})], unknownReferences: [], departmentHint: null, prediction }),
      decideFiling({ referenced: [cf({})], unknownReferences: [], departmentHint: '50', prediction }),
      decideFiling({ referenced: [cf({ status: 'closed' })], unknownReferences: [], departmentHint: null, prediction }),
      decideFiling({ referenced: [cf({}), cf({ id: 'b', reference: '50.1.1-2026/00002', departmentCode: '50' })], unknownReferences: [], departmentHint: null, prediction }),
      decideFiling({ referenced: [], unknownReferences: ['32.1.2-2026/09999'], departmentHint: null, prediction }),
      decideFiling({ referenced: [], unknownReferences: [], departmentHint: null, prediction }),
    ].flatMap((d) => d.reasons);
    expect(codes(all)).not.toContain('other');
    expect(new Set(codes(all))).toEqual(
      new Set(['reference_matches_open', 'reference_other_department', 'routed_by_scan_centre', 'reference_not_open', 'department_of_case_file', 'ambiguous_references', 'department_predicted', 'reference_unknown', 'no_reference']),
    );
  });

  it('reads the values out of the sentence', () => {
    expect(describeReason('reference 32.1.2-2026/00001 matches case file that is closed: not filed')).toMatchObject({ code: 'reference_not_open', params: { reference: '32.1.2-2026/00001', status: 'closed' } });
    expect(describeReason('department 50 predicted (p=0.71): wohngeld, einkommen')).toMatchObject({ code: 'department_predicted', params: { departmentCode: '50', probability: '0.71', evidence: 'wohngeld, einkommen' } });
    expect(describeReason('document type widerspruch (p=0.90): widerspruch')).toMatchObject({ code: 'document_type_predicted', params: { documentType: 'widerspruch', probability: '0.90' } });
    expect(describeReason('case file 32.1.2-2026/00001 was closed before filing')).toMatchObject({ code: 'closed_before_filing', params: { reference: '32.1.2-2026/00001' } });
  });

  it('keeps a sentence it does not know as text', () => {
    expect(describeReason('something new')).toEqual({ code: 'other', params: {}, text: 'something new' });
  });
});
