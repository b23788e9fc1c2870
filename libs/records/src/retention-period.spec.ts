import { computeRetainUntil } from './retention-period';

describe('computeRetainUntil', () => {
  const opened = new Date('2020-03-01T00:00:00Z');
  const closed = new Date('2022-06-30T00:00:00Z');

  it('counts from the zdA date for closed-triggered rules', () => {
    expect(computeRetainUntil({ years: 10, trigger: 'closed' }, opened, closed)).toEqual(new Date('2032-06-30T00:00:00Z'));
  });
  it('is undetermined while a closed-triggered file is open', () => {
    expect(computeRetainUntil({ years: 10, trigger: 'closed' }, opened, null)).toBeNull();
  });
  it('counts from creation for created-triggered rules', () => {
    expect(computeRetainUntil({ years: 5, trigger: 'created' }, opened, null)).toEqual(new Date('2025-03-01T00:00:00Z'));
  });
  it('keeps forever when years is null, and years 0 is due at the trigger', () => {
    expect(computeRetainUntil({ years: null, trigger: 'closed' }, opened, closed)).toBeNull();
    expect(computeRetainUntil({ years: 0, trigger: 'closed' }, opened, closed)).toEqual(closed);
  });
});
