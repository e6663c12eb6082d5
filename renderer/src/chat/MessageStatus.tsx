// The status of one's own message, told apart by shape as well as colour (as Signal
// does): a clock while pending, one outlined circle with a tick when sent, two outlined
// circles when delivered, two filled circles when read, a warning when the server
// refused it. The accessible name is exactly the status word.
import { useId } from 'react';
import type { LocalStatus } from '../../../shared/sync/status.ts';
import { AlertIcon, ClockIcon } from '../components/icons.tsx';

export const STATUS_LABEL: Record<LocalStatus, string> = {
  pending: 'Pending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
};

const TICK = 'M-2.6 0.2l1.8 1.8 3.4-3.6';

/** One or two ticked circles; filled ones have the tick cut out so the bubble shows through. */
function TickCircles({ count, isFilled }: { count: 1 | 2; isFilled: boolean }) {
  const maskId = useId();
  const centres = count === 1 ? [7] : [7, 17];
  const width = count === 1 ? 14 : 24;
  return (
    <svg
      width={width}
      height={14}
      viewBox={`0 0 ${width} 14`}
      aria-hidden="true"
      focusable="false"
      data-shape={`${count}-${isFilled ? 'filled' : 'outlined'}`}
    >
      {isFilled && (
        <mask id={maskId}>
          <rect width={width} height={14} fill="white" />
          {centres.map((x) => (
            <path
              key={x}
              d={TICK}
              transform={`translate(${x} 7)`}
              fill="none"
              stroke="black"
              strokeWidth={1.8}
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          ))}
        </mask>
      )}
      <g mask={isFilled ? `url(#${maskId})` : undefined}>
        {centres.map((x) => (
          <g key={x} transform={`translate(${x} 7)`}>
            {isFilled ? (
              <circle r={6.2} fill="currentColor" />
            ) : (
              <>
                <circle r={5.6} fill="none" stroke="currentColor" strokeWidth={1.4} />
                <path
                  d={TICK}
                  fill="none"
                  stroke="currentColor"
                  strokeWidth={1.6}
                  strokeLinecap="round"
                  strokeLinejoin="round"
                />
              </>
            )}
          </g>
        ))}
      </g>
    </svg>
  );
}

export function MessageStatus({ status }: { status: LocalStatus }) {
  const label = STATUS_LABEL[status];
  return (
    <span role="img" aria-label={label} title={label} className={`message-status status-${status}`}>
      {status === 'pending' && <ClockIcon size={14} />}
      {status === 'sent' && <TickCircles count={1} isFilled={false} />}
      {status === 'delivered' && <TickCircles count={2} isFilled={false} />}
      {status === 'read' && <TickCircles count={2} isFilled />}
      {status === 'failed' && <AlertIcon size={14} />}
    </span>
  );
}
