import { describe, expect, it } from 'vitest';
import { isFileDrag, pastedFiles, type TransferData } from './transfer-files.ts';

function clipboard(files: File[], text = ''): TransferData {
  const types = [...(files.length > 0 ? ['Files'] : []), ...(text ? ['text/plain'] : [])];
  return { files, types, getData: (format) => (format === 'text/plain' ? text : '') };
}

const picture = new File(['png'], 'image.png', { type: 'image/png' });
const report = new File(['pdf'], 'report.pdf', { type: 'application/pdf' });

describe('what a paste attaches', () => {
  it('attaches a pasted screenshot or a copied file', () => {
    expect(pastedFiles(clipboard([picture]))).toEqual([picture]);
    expect(pastedFiles(clipboard([report]))).toEqual([report]);
  });

  it('pastes the text, not the picture of it, when cells or a paragraph are copied', () => {
    expect(pastedFiles(clipboard([picture], 'Q3 totals\t1,200'))).toEqual([]);
  });

  it('attaches a file copied in a file manager, which also puts its name as text', () => {
    const photo = new File(['jpg'], 'beach.jpg', { type: 'image/jpeg' });
    expect(pastedFiles(clipboard([photo], 'beach.jpg'))).toEqual([photo]);
    expect(pastedFiles(clipboard([report], 'whatever'))).toEqual([report]);
  });

  it('leaves plain text alone', () => {
    expect(pastedFiles(clipboard([], 'hello'))).toEqual([]);
  });
});

describe('what a drag is', () => {
  it('is a file drag only when it carries files, not a dragged link or text', () => {
    expect(isFileDrag({ types: ['Files'] })).toBe(true);
    expect(isFileDrag({ types: ['text/uri-list', 'text/plain'] })).toBe(false);
  });
});
