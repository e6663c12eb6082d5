import { describe, expect, it } from 'vitest';
import { formatFileSize, formatTransfer, percentDone } from './file-size.ts';

describe('file sizes as people read them', () => {
  it('says bytes, KB and MB, with one decimal only below ten', () => {
    expect(formatFileSize(1)).toBe('1 byte');
    expect(formatFileSize(512)).toBe('512 bytes');
    expect(formatFileSize(34 * 1024)).toBe('34 KB');
    expect(formatFileSize(2.4 * 1024 * 1024)).toBe('2.4 MB');
    expect(formatFileSize(100 * 1024 * 1024)).toBe('100 MB');
  });

  it('says a transfer in the unit of its total, both numbers alike', () => {
    expect(formatTransfer(1.2 * 1024 * 1024, 5 * 1024 * 1024)).toBe('1.2 of 5.0 MB');
    expect(formatTransfer(120 * 1024, 340 * 1024)).toBe('120 of 340 KB');
    expect(formatTransfer(0, 300)).toBe('0.0 of 0.3 KB');
  });

  it('never reports more than the total, nor a percentage past 100', () => {
    expect(formatTransfer(6 * 1024 * 1024, 5 * 1024 * 1024)).toBe('5.0 of 5.0 MB');
    expect(percentDone(6, 5)).toBe(100);
    expect(percentDone(1, 3)).toBe(33);
    expect(percentDone(5, 0)).toBe(0);
  });
});
