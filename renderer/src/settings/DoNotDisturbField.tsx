// Do-not-disturb: off, for an hour, until the morning, or every day on a schedule. A
// timed choice is stored as the moment it ends, so the menu shows that moment while it
// lasts and "Off" once it has passed.
import { useId } from 'react';
import {
  DEFAULT_SCHEDULE,
  type DoNotDisturb,
  doNotDisturbForAnHour,
  doNotDisturbUntilMorning,
  isDoNotDisturbOn,
  isTimeOfDay,
  MORNING,
} from '../notifications/notification-settings.ts';
import { useNow } from '../time/use-now.ts';

const CHOICES = ['off', 'until', 'hour', 'morning', 'schedule'] as const;
type Choice = (typeof CHOICES)[number];

function isChoice(value: string): value is Choice {
  return CHOICES.some((choice) => choice === value);
}

/** "Until 08:00" after midnight, "Until tomorrow 08:00" once the morning has passed. */
function morningLabel(now: number): string {
  const end = doNotDisturbUntilMorning(now);
  const isToday = end.mode === 'until' && new Date(end.until).getDate() === new Date(now).getDate();
  return isToday ? `Until ${MORNING}` : `Until tomorrow ${MORNING}`;
}

function currentChoice(doNotDisturb: DoNotDisturb, now: number): Choice {
  if (doNotDisturb.mode === 'until') return isDoNotDisturbOn(doNotDisturb, now) ? 'until' : 'off';
  return doNotDisturb.mode;
}

function timeOf(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function DoNotDisturbField({
  value,
  onChange,
}: {
  value: DoNotDisturb;
  onChange: (doNotDisturb: DoNotDisturb) => void;
}) {
  const now = useNow().getTime();
  const selectId = useId();
  const choice = currentChoice(value, now);

  const choose = (next: Choice) => {
    const at = Date.now();
    if (next === 'off') onChange({ mode: 'off' });
    else if (next === 'hour') onChange(doNotDisturbForAnHour(at));
    else if (next === 'morning') onChange(doNotDisturbUntilMorning(at));
    else if (next === 'schedule') onChange(DEFAULT_SCHEDULE);
  };

  return (
    <div className="settings-field">
      <label htmlFor={selectId}>Do not disturb</label>
      <select
        id={selectId}
        value={choice}
        onChange={(event) => {
          if (isChoice(event.target.value)) choose(event.target.value);
        }}
      >
        <option value="off">Off</option>
        {value.mode === 'until' && choice === 'until' && (
          <option value="until">{`On until ${timeOf(value.until)}`}</option>
        )}
        <option value="hour">For 1 hour</option>
        <option value="morning">{morningLabel(now)}</option>
        <option value="schedule">On a schedule</option>
      </select>
      {value.mode === 'schedule' && (
        <div className="settings-schedule">
          <label>
            From
            <input
              type="time"
              value={value.start}
              required
              onChange={(event) => {
                if (isTimeOfDay(event.target.value))
                  onChange({ ...value, start: event.target.value });
              }}
            />
          </label>
          <label>
            To
            <input
              type="time"
              value={value.end}
              required
              onChange={(event) => {
                if (isTimeOfDay(event.target.value))
                  onChange({ ...value, end: event.target.value });
              }}
            />
          </label>
        </div>
      )}
    </div>
  );
}
