// Demo data for `npm start`: two users with known passwords, services and requests, and
// one conversation between them. Idempotent: it adds nothing when the demo users exist.
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../auth/password.ts';
import type { Logger } from '../logger.ts';
import type { Services } from '../services.ts';
import { applyPush } from '../sync/apply.ts';

export const DEMO_PASSWORD = 'timenest-demo';
export const DEMO_USERS = [
  { email: 'alice@timenest.local', displayName: 'Alice Provider' },
  { email: 'bob@timenest.local', displayName: 'Bob Requester' },
] as const;

export async function seedDemoData(
  server: Pick<Services, 'db' | 'sync' | 'openConversation'>,
  log: Logger,
): Promise<{ created: boolean }> {
  const { db } = server;
  const existing = await db.user.findUnique({ where: { email: DEMO_USERS[0].email } });
  if (existing) return { created: false };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const [alice, bob] = await Promise.all(
    DEMO_USERS.map((u) => db.user.create({ data: { ...u, passwordHash } })),
  );
  if (!alice || !bob) throw new Error('demo users were not created');
  const services = await Promise.all(
    [
      {
        title: 'Guitar lessons for beginners',
        description: 'One hour of chords and strumming.',
        hours: 1,
      },
      {
        title: 'Help moving furniture',
        description: 'Two strong arms for a small move.',
        hours: 3,
      },
      {
        title: 'Bike repair and tune-up',
        description: 'Brakes, gears and a safety check.',
        hours: 2,
      },
    ].map((s) => db.service.create({ data: { ...s, providerId: alice.userId } })),
  );
  await db.request.createMany({
    data: [
      {
        requesterId: bob.userId,
        title: 'Dog walking while I travel',
        description: 'Three walks a day for a week.',
        hours: 5,
      },
      {
        requesterId: bob.userId,
        title: 'Proofread my CV',
        description: 'Two pages, English.',
        hours: 1,
      },
      {
        requesterId: alice.userId,
        title: 'Spanish conversation practice',
        description: 'Weekly hour.',
        hours: 1,
      },
    ],
  });
  const first = services[0]!;
  const { conversation } = await server.openConversation(
    bob.userId,
    {
      otherUserId: alice.userId,
      conversationType: 'service',
      contextId: first.serviceId,
      contextTitle: first.title,
    },
    null,
  );
  const say = (senderId: number, content: string) =>
    applyPush(server.sync, { userId: senderId }, [
      {
        opId: randomUUID(),
        kind: 'send',
        conversation: { conversationId: conversation.conversationId },
        clientMsgId: randomUUID(),
        content,
        messageType: 'text',
      },
    ]);
  await say(bob.userId, 'Hi Alice! Are you free for a guitar lesson this weekend?');
  await say(alice.userId, 'Hi Bob, Saturday at 10 works for me.');
  log.info('demo data seeded (alice@timenest.local / bob@timenest.local, password timenest-demo)');
  return { created: true };
}
