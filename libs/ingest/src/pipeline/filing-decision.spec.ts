import type { TextPrediction } from '@app/classification';
import { decideFiling, ReferencedCaseFile } from './filing-decision';

const prediction: TextPrediction = {
  documentType: { label: 'widerspruch', confidence: 0.9, evidence: ['widerspruch'] },
  department: { label: '50', confidence: 0.7, evidence: ['wohngeld'] },
  modelVersion: {},
};
const cf = (o: Partial<ReferencedCaseFile>): ReferencedCaseFile => ({ id: 'a', reference: '32.1.2-2026/00001', status: 'open', departmentCode: '32', label: 'Ihr Zeichen', ...o });

describe('decideFiling', () => {
  it('files when exactly one open case file is referenced', () => {
    const d = decideFiling({ referenced: [cf({})], unknownReferences: [], departmentHint: null, prediction });
    expect(d).toMatchObject({ action: 'file', caseFile: { id: 'a' } });
    expect(decideFiling({ referenced: [cf({}), cf({})], unknownReferences: [], departmentHint: '32', prediction }).action).toBe('file');
  });

  it('never files into a closed case file; the inbox is that file\'s department', () => {
    const d = decideFiling({ referenced: [cf({ status: 'closed' })], unknownReferences: [], departmentHint: null, prediction });
    expect(d).toMatchObject({ action: 'inbox', departmentCode: '32', caseFileReference: '32.1.2-2026/00001' });
    expect(d.reasons.join(' ')).toMatch(/closed/);
  });

  it('never files against the department hint', () => {
    const d = decideFiling({ referenced: [cf({})], unknownReferences: [], departmentHint: '50', prediction });
    expect(d).toMatchObject({ action: 'inbox', departmentCode: '50' });
  });

  it('sends ambiguous references to the inbox', () => {
    const d = decideFiling({ referenced: [cf({}), cf({ id: 'b', reference: '50.1.1-2026/00002', departmentCode: '50' })], unknownReferences: [], departmentHint: null, prediction });
    expect(d.action).toBe('inbox');
    expect(d.reasons.join(' ')).toMatch(/ambiguous/);
  });

  it('routes unknown references by the predicted department', () => {
    const d = decideFiling({ referenced: [], unknownReferences: ['32.1.2-2026/09999'], departmentHint: null, prediction });
    expect(d).toMatchObject({ action: 'inbox', departmentCode: '50', caseFileReference: null });
    expect(d.reasons.join(' ')).toMatch(/matches no case file.*|department 50 predicted/);
  });
});
