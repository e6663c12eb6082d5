// The composer's "Send later", beside Send: a menu of times (in an hour, tomorrow
// morning) and a custom one picked in a dialog. Whatever is chosen, the text goes to the
// server to be sent at that time, as Slack and WhatsApp do it.
import { useState } from 'react';
import { MessageMenu } from '../chat/MessageMenu.tsx';
import { ClockIcon } from '../components/icons.tsx';
import { formatClock } from '../time/format-time.ts';
import { ScheduleTimeDialog } from './ScheduleTimeDialog.tsx';
import { inOneHour, tomorrowMorning } from './schedule-time.ts';

interface SendLaterMenuProps {
  isDisabled: boolean;
  onSchedule(dueAt: Date): Promise<void>;
  now?: () => Date;
}

export function SendLaterMenu({
  isDisabled,
  onSchedule,
  now = () => new Date(),
}: SendLaterMenuProps) {
  const [isPicking, setPicking] = useState(false);
  const morning = tomorrowMorning(now());
  return (
    <>
      <MessageMenu
        label="Send later"
        title="Send later"
        icon={<ClockIcon size={18} />}
        className="send-later"
        isDisabled={isDisabled}
        items={[
          { label: 'In 1 hour', onSelect: () => void onSchedule(inOneHour(now())) },
          {
            label: `Tomorrow morning (${formatClock(morning.toISOString())})`,
            onSelect: () => void onSchedule(tomorrowMorning(now())),
          },
          { label: 'Custom time…', onSelect: () => setPicking(true) },
        ]}
      />
      {isPicking && (
        <ScheduleTimeDialog
          title="Schedule message"
          submitLabel="Schedule"
          now={now}
          onSubmit={onSchedule}
          onClose={() => setPicking(false)}
        />
      )}
    </>
  );
}
