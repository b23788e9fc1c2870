import { addDays, berlinDay, berlinYear, lastDays } from './dashboard-period';

describe('dashboard periods (Europe/Berlin calendar days)', () => {
  it('takes the day in Berlin, not in UTC', () => {
    // 23:30 UTC on 31 December is already New Year in Berlin (UTC+1)
    expect(berlinDay(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    expect(berlinYear(new Date('2026-12-31T23:30:00Z'))).toBe(2027);
    // summer time (UTC+2)
    expect(berlinDay(new Date('2026-06-30T22:30:00Z'))).toBe('2026-07-01');
    expect(berlinDay(new Date('2026-06-30T21:30:00Z'))).toBe('2026-06-30');
  });

  it('counts back over month ends, leap days and the clock change', () => {
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-03-30', -2)).toBe('2026-03-28');
    expect(lastDays(new Date('2026-12-04T10:00:00Z'), 30)).toEqual({ days: 30, from: '2026-11-05', to: '2026-12-04' });
    expect(lastDays(new Date('2026-12-04T10:00:00Z'), 1)).toEqual({ days: 1, from: '2026-12-04', to: '2026-12-04' });
  });
});
