// A group's avatar: the people icon on a colour of its own, the same while it is renamed.
// `ConversationAvatar` picks it or the other person's for any conversation.
import type { LocalConversation } from '../../sync/db.ts';
import { Avatar } from '../components/Avatar.tsx';
import { GroupIcon } from '../components/icons.tsx';

/** A stable number for the local key: the hue of the group's colour on this device. */
function keySeed(key: string): number {
  let seed = 0;
  for (let i = 0; i < key.length; i++) seed = (seed * 31 + key.charCodeAt(i)) % 100_003;
  return seed;
}

export function GroupAvatar({ convKey, size = 40 }: { convKey: string; size?: number }) {
  return (
    <Avatar
      name=""
      seed={keySeed(convKey)}
      size={size}
      icon={<GroupIcon size={Math.round(size * 0.5)} />}
    />
  );
}

export function ConversationAvatar({
  conversation,
  size,
}: {
  conversation: Pick<LocalConversation, 'key' | 'group' | 'otherDisplayName' | 'otherUserId'>;
  size: number;
}) {
  return conversation.group ? (
    <GroupAvatar convKey={conversation.key} size={size} />
  ) : (
    <Avatar name={conversation.otherDisplayName} seed={conversation.otherUserId} size={size} />
  );
}
