import { countShown, fileProgress, reasonOf, shownStatus } from './batch-status';

describe('scan centre: batch status', () => {
  it('maps the service statuses onto the six shown words', () => {
    expect(['queued', 'processing', 'filed', 'needs_review', 'rejected', 'duplicate', 'failed'].map(shownStatus)).toEqual([
      'processing',
      'processing',
      'filed',
      'inbox',
      'rejected',
      'duplicate',
      'failed',
    ]);
    expect(countShown([{ status: 'filed' }, { status: 'needs_review' }, { status: 'queued' }, { status: 'processing' }])).toEqual({
      processing: 2,
      filed: 1,
      inbox: 1,
      rejected: 0,
      duplicate: 0,
      failed: 0,
    });
  });

  it('spreads the request progress over the files by their cumulative sizes', () => {
    // 100 + 300 + 600 bytes of files in a body of 1,100 bytes (multipart overhead included)
    expect(fileProgress([100, 300, 600], 0, 1100)).toEqual([0, 0, 0]);
    const half = fileProgress([100, 300, 600], 550, 1100); // 500 of 1,000 file bytes
    expect(half.slice(0, 2)).toEqual([1, 1]);
    expect(half[2]).toBeCloseTo(1 / 6, 5);
    const mid = fileProgress([100, 300, 600], 220, 1100); // 200 of 1,000 file bytes
    expect(mid[0]).toBe(1);
    expect(mid[1]).toBeCloseTo(1 / 3, 5);
    expect(mid[2]).toBe(0);
    expect(fileProgress([100, 300, 600], 1100, 1100)).toEqual([1, 1, 1]);
    expect(fileProgress([0, 10], 5, 10)).toEqual([1, 0.5]);
    expect(fileProgress([10], 5, 0)).toEqual([0]); // total unknown: nothing claimed
  });

  it('recognises the service reasons it can explain, and keeps the service text', () => {
    expect(reasonOf('content type text/plain is not a scan (accepted: PDF, TIFF, JPEG, PNG)')).toEqual({
      key: 'notAScan',
      values: { type: 'text/plain' },
      text: 'content type text/plain is not a scan (accepted: PDF, TIFF, JPEG, PNG)',
    });
    expect(reasonOf('PDF is encrypted and needs a password; upload an unencrypted scan').key).toBe('encrypted');
    expect(reasonOf('file exceeds the limit of 100 MB (MAX_UPLOAD_MB); nothing was stored')).toMatchObject({ key: 'tooLarge', values: { mb: '100' } });
    expect(reasonOf('PDF has 900 pages, more than the limit of 500')).toMatchObject({ key: 'tooManyPages', values: { pages: '900', limit: '500' } });
    expect(reasonOf('page 1 cannot be decoded: bad huffman')).toEqual({ text: 'page 1 cannot be decoded: bad huffman' });
  });
});
