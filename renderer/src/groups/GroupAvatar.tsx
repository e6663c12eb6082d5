// A group's avatar: the people icon on a colour of its own, the same while it is renamed.
// The colour comes from the group's server id, so every device shows the same one; on the
// device that created it the group has none until the server answers the create, so there
// it starts from the device's own id for it and changes once, when that answer comes (the
// only id every device shares is the server's). `ConversationAvatar` picks it or the other
// person's for any conversation.
import type { LocalConversation } from '../../sync/db.ts';
import { Avatar } from '../components/Avatar.tsx';
import { GroupIcon } from '../components/icons.tsx';

/** A number from the local key, while the group has no server id yet (its creator's
 * device, before the server answered the create). */
function keySeed(key: string): number {
  let seed = 0;
  for (let i = 0; i < key.length; i++) seed = (seed * 31 + key.charCodeAt(i)) % 100_003;
  return seed;
}

export function GroupAvatar({
  conversation,
  size = 40,
}: {
  conversation: Pick<LocalConversation, 'key' | 'serverId'>;
  size?: number;
}) {
  return (
    <Avatar
      name=""
      seed={conversation.serverId ?? keySeed(conversation.key)}
      size={size}
      icon={<GroupIcon size={Math.round(size * 0.5)} />}
    />
  );
}

export function ConversationAvatar({
  conversation,
  size,
}: {
  conversation: Pick<
    LocalConversation,
    'key' | 'serverId' | 'group' | 'otherDisplayName' | 'otherUserId'
  >;
  size: number;
}) {
  return conversation.group ? (
    <GroupAvatar conversation={conversation} size={size} />
  ) : (
    <Avatar name={conversation.otherDisplayName} seed={conversation.otherUserId} size={size} />
  );
}
