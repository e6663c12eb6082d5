// How far an upload or a download has gone: a bar a screen reader reads as a percentage,
// named after what moves ("Uploading beach.jpg"), and the amount in words beside it.
import { formatTransfer, percentDone } from './file-size.ts';

export function TransferProgress({
  label,
  done,
  total,
}: {
  label: string;
  done: number;
  total: number;
}) {
  const percent = percentDone(done, total);
  return (
    <div className="transfer">
      <div
        className="transfer-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <span className="transfer-fill" style={{ width: `${percent}%` }} />
      </div>
      {total > 0 && <span className="transfer-text">{formatTransfer(done, total)}</span>}
    </div>
  );
}
