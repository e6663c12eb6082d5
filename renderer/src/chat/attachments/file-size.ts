// Sizes as people read them in a chat: "2.4 MB", and a transfer as "1.2 of 5.0 MB" in the
// unit of its total. Binary units, as the attachment limit is counted ("100 MB").
const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;

function unitOf(bytes: number): { size: number; name: string } {
  if (bytes >= GB) return { size: GB, name: 'GB' };
  if (bytes >= MB) return { size: MB, name: 'MB' };
  return { size: KB, name: 'KB' };
}

/** One decimal below 10 of a unit ("2.4 MB"), none above ("34 MB"). */
function amount(bytes: number, unit: number): string {
  const value = bytes / unit;
  return value < 10 ? value.toFixed(1) : Math.round(value).toString();
}

export function formatFileSize(bytes: number): string {
  if (bytes < KB) return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  const unit = unitOf(bytes);
  return `${amount(bytes, unit.size)} ${unit.name}`;
}

/** How much of a transfer is done, both numbers in the total's unit. */
export function formatTransfer(done: number, total: number): string {
  const unit = unitOf(Math.max(total, KB));
  const shown = Math.min(done, total);
  // The same precision on both sides, so "1.2 of 5.0 MB" never reads "1.2 of 5 MB".
  const digits = total / unit.size < 10 ? 1 : 0;
  return `${(shown / unit.size).toFixed(digits)} of ${(total / unit.size).toFixed(digits)} ${unit.name}`;
}

/** A whole percentage for a progress bar: 0 for an empty total, never past 100. */
export function percentDone(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.max(0, Math.floor((done / total) * 100)));
}
