// Which files a paste or a drag brings: files attach, text stays text. Word, Excel and
// many editors put a picture of what was copied on the clipboard next to its text, so a
// paste that has text and only images is a paste of the text.

/** The clipboard or drag data as the DOM gives it (a `DataTransfer`). */
export interface TransferData {
  readonly files: ArrayLike<File>;
  readonly types: readonly string[];
  getData(format: string): string;
}

/** Whether a drag carries files, not text or a link dragged from a page. */
export function isFileDrag(data: Pick<TransferData, 'types'>): boolean {
  return Array.from(data.types).includes('Files');
}

/** The files a paste attaches; none when it is a paste of text. */
export function pastedFiles(data: TransferData): File[] {
  const files = Array.from(data.files);
  if (files.length === 0) return [];
  const text = Array.from(data.types).includes('text/plain') ? data.getData('text/plain') : '';
  if (text.trim() === '') return files;
  // A file copied in Finder comes with its name as text.
  if (files.some((file) => file.name === text.trim())) return files;
  return files.every((file) => file.type.startsWith('image/')) ? [] : files;
}
