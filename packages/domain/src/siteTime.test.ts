import { describe, expect, it } from 'vitest';
import { SITE_TIME_ZONE, siteTimeStamp } from './siteTime.js';

describe('site local time', () => {
  it('names files by the exam-room clock (Beijing time), not UTC', () => {
    expect(SITE_TIME_ZONE).toBe('Asia/Shanghai');
    // 02:12:33 UTC is 10:12:33 at the site.
    const t = Date.UTC(2021, 9, 23, 2, 12, 33);
    expect(siteTimeStamp(t)).toBe('20211023-1012');
    expect(siteTimeStamp(t, { seconds: true })).toBe('20211023-101233');
  });

  it('rolls the date over at local midnight', () => {
    expect(siteTimeStamp(Date.UTC(2021, 9, 23, 16, 5))).toBe('20211024-0005');
    expect(siteTimeStamp(Date.UTC(2021, 9, 23, 15, 59))).toBe('20211023-2359');
  });
});
