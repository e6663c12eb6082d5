// What a screen reader announces for a message and its menu: who wrote it and when,
// then the text, as Signal and Slack read them ("You, 10:42: see you there").
const TEXT_IN_NAME_MAX = 160;

export interface MessageLabelInput {
  senderName: string;
  time: string;
  text: string;
  isDeleted: boolean;
  isEdited: boolean;
}

export function messageLabel({ senderName, time, text, isDeleted, isEdited }: MessageLabelInput) {
  const flat = text.replace(/\s+/g, ' ').trim();
  // The whole text is read inside the message anyway; the name only has to identify it.
  const body = isDeleted
    ? 'message deleted'
    : flat.length > TEXT_IN_NAME_MAX
      ? `${flat.slice(0, TEXT_IN_NAME_MAX)}…`
      : flat;
  return `${senderName}, ${time}: ${body}${isEdited && !isDeleted ? ' (edited)' : ''}`;
}

export function messageMenuLabel(senderName: string, time: string): string {
  return `More actions for message from ${senderName} at ${time}`;
}
