// Reactions (DESIGN §4a): any member reacts to any message with an emoji, one reaction
// per user per emoji; reacting again with it takes it back. A change carries the device's
// time: of two changes to the same (message, user, emoji), the later one wins, whatever
// order they reach the server in.
import { z } from 'zod';
import { idSchema } from './schemas.ts';

/** One emoji: a pictograph with its presentation and skin tone, a joined sequence of a
 * few of them (👨‍👩‍👧), a flag (two regional indicators, or a subdivision's tag sequence
 * such as 🏴󠁧󠁢󠁳󠁣󠁴󠁿) or a keycap. */
const SINGLE_EMOJI =
  /^(?:\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})?(?:\u200D\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})?){0,6}|\p{Regional_Indicator}{2}|\u{1F3F4}[\u{E0061}-\u{E007A}]{1,6}\u{E007F}|[#*0-9]\uFE0F?\u20E3)$/u;

/** Distinct emojis one message may carry, and one user may put on it. */
export const REACTION_LIMITS = { emojisPerMessage: 50, emojisPerUser: 20 } as const;

export const emojiSchema = z
  .string()
  .min(1)
  .max(32)
  .refine((text) => SINGLE_EMOJI.test(text), 'must be one emoji');

/** The message reacted to, by its server id: only a message the server has can be
 * reacted to (a device offers reactions once its message is sent). */
export const reactionTargetSchema = z.strictObject({ messageId: idSchema });

/** Who reacted with each emoji, in the order the emojis were first used. */
export const reactionsViewSchema = z
  .array(z.object({ emoji: z.string(), userIds: z.array(idSchema) }))
  .max(1000);
export type ReactionsView = z.infer<typeof reactionsViewSchema>;
