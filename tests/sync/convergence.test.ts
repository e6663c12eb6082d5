// The model-based convergence test: two users, each with one device, two devices or two
// tabs of one browser profile, run random schedules of sends, replies, edits, deletes,
// reactions, reads, network loss, device and server restarts, lost push answers,
// duplicated pushes, live events lost on the way and a cut bus subscriber, against the
// real server over Redis. Once everyone is back online and synced, every sent message
// exists exactly once on the server and on every device, in the same order, with the
// server's content, tombstone, status, original and reactions; the last reaction change
// wins; and no device ever showed a status moving backwards.
//
// CONVERGENCE_RUNS sets the number of schedules. To replay a failure, pass what it
// printed: FC_SEED=<seed> FC_PATH=<path> FC_REPLAY_PATH=<replayPath of the commands>.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { LocalMessage } from '../../renderer/sync/db.ts';
import { displayedStatus, marksOf } from '../../renderer/sync/marks.ts';
import type { TestUser } from '../support/clients.ts';
import {
  DeviceFault,
  type DeviceFaultKind,
  DropBusSubscriber,
  Pause,
  RestartServer,
  TimedStep,
  withDeadline,
} from './schedule-steps.ts';
import {
  conversationWith,
  type Device,
  newProfile,
  openDevice,
  type ServerMessage,
  type StatusRegression,
  type SyncServer,
  seedSession,
  seedUsers,
  serverMessages,
  startSyncServer,
  waitFor,
} from './support.ts';

// 300 schedules take about 2 minutes on two shared cores (measured: 109 s at load 5).
const RUNS = Number(process.env.CONVERGENCE_RUNS ?? 300);
const SEED = process.env.FC_SEED
  ? Number(process.env.FC_SEED)
  : Math.floor(Math.random() * 2 ** 31);
const PATH = process.env.FC_PATH;
const REPLAY_PATH = process.env.FC_REPLAY_PATH;
const MAX_STEPS = 14;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// Devices that miss live events find out at their head check: short here, so a schedule
// converges in seconds.
const HEAD_CHECK_MS = 500;
const CONVERGE_TIMEOUT_MS = 30_000;

let server: SyncServer;
beforeAll(async () => {
  // Small pools: hundreds of schedules restart the server while other test files share
  // the same MariaDB and its connection limit.
  // Redis carries the events, so a step can cut the bus subscriber (DESIGN §3.4).
  server = await startSyncServer('convergence', { DB_POOL_SIZE: '4', REDIS_URL });
});
afterAll(async () => {
  await server?.dispose();
});

// --- the world a schedule runs in, and what the test expects of it ---------------------

type UserIndex = 0 | 1;

interface SentMessage {
  clientMsgId: string;
  userIndex: UserIndex;
  original: string;
  edits: { device: string; text: string }[];
  isDeleteRequested: boolean;
  /** The message it answers, if it is a reply. */
  replyTo: string | null;
}

/** A reaction toggled on a device: what the device then showed for its user. */
interface Toggle {
  clientMsgId: string;
  userIndex: UserIndex;
  emoji: string;
  isOn: boolean;
}

interface Slot {
  device: Device;
  userIndex: UserIndex;
}

interface World {
  users: [TestUser, TestUser];
  slots: Slot[];
  sent: SentMessage[];
  toggles: Toggle[];
  regressions: StatusRegression[];
  /** device name → clientMsgId → times announced as incoming */
  announced: Map<string, Map<string, number>>;
  /** Own messages a device announced as incoming (must stay empty). */
  ownAnnounced: string[];
  /** Reactions announced to someone other than the author, or the author's own. */
  misdirectedReactions: string[];
  texts: number;
}

interface Model {
  deviceUsers: UserIndex[];
  sentBy: [number, number];
}

const slotOf = (world: World, index: number): Slot => world.slots[index % world.slots.length]!;
const userOf = (model: Model, index: number): UserIndex =>
  model.deviceUsers[index % model.deviceUsers.length]!;

// --- commands ---------------------------------------------------------------------------

/** Every step of these schedules, under its deadline. */
abstract class Step extends TimedStep<Model, World> {}

class Send extends Step {
  constructor(readonly device: number) {
    super();
  }
  async act(model: Model, world: World) {
    const slot = slotOf(world, this.device);
    const other = world.users[slot.userIndex === 0 ? 1 : 0];
    const convKey = await conversationWith(slot.device, other);
    const text = `${slot.device.name} says ${++world.texts}`;
    const clientMsgId = await slot.device.engine.sendMessage(convKey, text);
    world.sent.push({
      clientMsgId,
      userIndex: slot.userIndex,
      original: text,
      edits: [],
      isDeleteRequested: false,
      replyTo: null,
    });
    model.sentBy[slot.userIndex]++;
  }
  toString() {
    return `send(${this.device})`;
  }
}

/** The sent messages this device shows, not deleted: what can be answered or reacted to. */
async function shownHere(slot: Slot, world: World) {
  const rows = await slot.device.db.messages.bulkGet(world.sent.map((s) => s.clientMsgId));
  return rows.filter((m): m is LocalMessage => m !== undefined && !m.isDeleted);
}

/** Answers a message this device shows (anyone's; one's own even before it is sent). */
class Reply extends Step {
  constructor(
    readonly device: number,
    readonly pick: number,
  ) {
    super();
  }
  override check(model: Readonly<Model>) {
    return model.sentBy[0] + model.sentBy[1] > 0;
  }
  async act(model: Model, world: World) {
    const slot = slotOf(world, this.device);
    const candidates = (await shownHere(slot, world)).filter(
      (m) => m.serverId !== null || m.senderId === slot.device.user.user.userId,
    );
    const original = candidates[this.pick % Math.max(1, candidates.length)];
    if (!original) return;
    const other = world.users[slot.userIndex === 0 ? 1 : 0];
    const convKey = await conversationWith(slot.device, other);
    const text = `${slot.device.name} answers ${++world.texts}`;
    const clientMsgId = await slot.device.engine.sendMessage(convKey, text, original.clientMsgId);
    world.sent.push({
      clientMsgId,
      userIndex: slot.userIndex,
      original: text,
      edits: [],
      isDeleteRequested: false,
      replyTo: original.clientMsgId,
    });
    model.sentBy[slot.userIndex]++;
  }
  toString() {
    return `reply(${this.device}, ${this.pick})`;
  }
}

const EMOJIS = ['👍', '❤️'] as const;

/** Toggles a reaction on a message this device shows and the server has. */
class React extends Step {
  constructor(
    readonly device: number,
    readonly pick: number,
    readonly emoji: number,
  ) {
    super();
  }
  override check(model: Readonly<Model>) {
    return model.sentBy[0] + model.sentBy[1] > 0;
  }
  async act(_model: Model, world: World) {
    const slot = slotOf(world, this.device);
    const candidates = (await shownHere(slot, world)).filter((m) => m.serverId !== null);
    const target = candidates[this.pick % Math.max(1, candidates.length)];
    if (!target) return;
    const emoji = EMOJIS[this.emoji % EMOJIS.length]!;
    // Changes are ordered by the device's clock to the millisecond: one per millisecond.
    await new Promise((resolve) => setTimeout(resolve, 2));
    await slot.device.engine.toggleReaction(target.clientMsgId, emoji);
    const after = await slot.device.db.messages.get(target.clientMsgId);
    const me = slot.device.user.user.userId;
    const isOn = (after?.reactions ?? []).some((r) => r.emoji === emoji && r.userIds.includes(me));
    world.toggles.push({ clientMsgId: target.clientMsgId, userIndex: slot.userIndex, emoji, isOn });
  }
  toString() {
    return `react(${this.device}, ${this.pick}, ${this.emoji})`;
  }
}

/** Edits one of the user's own messages, if this device has it and it is not deleted. */
class Edit extends Step {
  constructor(
    readonly device: number,
    readonly pick: number,
  ) {
    super();
  }
  override check(model: Readonly<Model>) {
    return model.sentBy[userOf(model, this.device)] > 0;
  }
  async act(_model: Model, world: World) {
    const slot = slotOf(world, this.device);
    const own = world.sent.filter((s) => s.userIndex === slot.userIndex);
    const target = own[this.pick % own.length]!;
    const local = await slot.device.db.messages.get(target.clientMsgId);
    if (!local || local.isDeleted) return;
    const text = `${slot.device.name} edits ${++world.texts}`;
    await slot.device.engine.editMessage(target.clientMsgId, text);
    target.edits.push({ device: slot.device.name, text });
  }
  toString() {
    return `edit(${this.device}, ${this.pick})`;
  }
}

class Delete extends Step {
  constructor(
    readonly device: number,
    readonly pick: number,
  ) {
    super();
  }
  override check(model: Readonly<Model>) {
    return model.sentBy[userOf(model, this.device)] > 0;
  }
  async act(_model: Model, world: World) {
    const slot = slotOf(world, this.device);
    const own = world.sent.filter((s) => s.userIndex === slot.userIndex);
    const target = own[this.pick % own.length]!;
    if (!(await slot.device.db.messages.get(target.clientMsgId))) return;
    await slot.device.engine.deleteMessage(target.clientMsgId);
    target.isDeleteRequested = true;
  }
  toString() {
    return `delete(${this.device}, ${this.pick})`;
  }
}

class Read extends Step {
  constructor(readonly device: number) {
    super();
  }
  async act(_model: Model, world: World) {
    const { device } = slotOf(world, this.device);
    const [conversation] = await device.db.conversations.toArray();
    if (conversation) await device.engine.markSeen(conversation.key);
  }
  toString() {
    return `read(${this.device})`;
  }
}

const device = fc.nat(3);
const pick = fc.nat(20);
const deviceFault = (fault: DeviceFaultKind) =>
  device.map((d) => new DeviceFault<Model, World>(d, fault));
const steps = fc.commands(
  [
    fc.oneof(
      { weight: 30, arbitrary: device.map((d) => new Send(d)) },
      { weight: 10, arbitrary: fc.tuple(device, pick).map(([d, p]) => new Edit(d, p)) },
      { weight: 10, arbitrary: fc.tuple(device, pick).map(([d, p]) => new Delete(d, p)) },
      { weight: 10, arbitrary: device.map((d) => new Read(d)) },
      { weight: 6, arbitrary: fc.tuple(device, pick).map(([d, p]) => new Reply(d, p)) },
      {
        weight: 8,
        arbitrary: fc.tuple(device, pick, fc.nat(1)).map(([d, p, e]) => new React(d, p, e)),
      },
      { weight: 10, arbitrary: deviceFault('offline') },
      { weight: 10, arbitrary: deviceFault('online') },
      { weight: 10, arbitrary: deviceFault('restart') },
      { weight: 10, arbitrary: deviceFault('dropResponse') },
      { weight: 10, arbitrary: deviceFault('pushTwice') },
      { weight: 5, arbitrary: deviceFault('missEvents') },
      { weight: 5, arbitrary: deviceFault('hearEvents') },
      { weight: 4, arbitrary: fc.constant(new DropBusSubscriber<Model, World>(() => server)) },
      { weight: 10, arbitrary: fc.nat(40).map((ms) => new Pause<Model, World>(ms)) },
      // Rarer: a server restart costs a few hundred milliseconds of reconnecting.
      { weight: 2, arbitrary: fc.constant(new RestartServer<Model, World>(() => server)) },
    ),
  ],
  { maxCommands: MAX_STEPS, ...(REPLAY_PATH ? { replayPath: REPLAY_PATH } : {}) },
);
/** Per user: one device, two devices, or two tabs of one browser profile. */
type Devices = 'one' | 'two' | 'tabs';
const devicesOf = fc.constantFrom<Devices>('one', 'two', 'tabs');
const layout = fc.tuple(devicesOf, devicesOf);

// --- running a schedule -----------------------------------------------------------------

async function openWorld([aliceDevices, bobDevices]: [Devices, Devices]): Promise<World> {
  const [alice, bob] = (await seedUsers(server, 'Alice', 'Bob')) as [TestUser, TestUser];
  const world: World = {
    users: [alice, bob],
    slots: [],
    sent: [],
    toggles: [],
    regressions: [],
    announced: new Map(),
    ownAnnounced: [],
    misdirectedReactions: [],
    texts: 0,
  };
  const profiles = [newProfile(), newProfile()] as const;
  const second = (userIndex: UserIndex, devices: Devices, prefix: string) =>
    devices === 'one'
      ? []
      : [{ userIndex, name: `${prefix}-${devices === 'tabs' ? 'tab2' : '2'}` }];
  const plan: { userIndex: UserIndex; name: string }[] = [
    { userIndex: 0, name: 'alice-1' },
    { userIndex: 1, name: 'bob-1' },
    ...second(0, aliceDevices, 'alice'),
    ...second(1, bobDevices, 'bob'),
  ];
  for (const { userIndex, name } of plan) {
    const firstOfUser = !world.slots.some((s) => s.userIndex === userIndex);
    const isTab = name.endsWith('-tab2');
    const user = world.users[userIndex];
    // A second device signs in on its own; a second tab shares the first's session.
    const session =
      firstOfUser || isTab ? user : { ...user, token: await seedSession(server, user.user.userId) };
    // A profile announces an incoming message once, whichever of its tabs leads then.
    const profileName = isTab ? name.replace('-tab2', '-1') : name;
    const counts = world.announced.get(profileName) ?? new Map<string, number>();
    world.announced.set(profileName, counts);
    const opened = openDevice(server, session, name, {
      headCheckMs: HEAD_CHECK_MS,
      ...(isTab || (firstOfUser && (userIndex === 0 ? aliceDevices : bobDevices) === 'tabs')
        ? { profile: profiles[userIndex] }
        : {}),
      regressions: world.regressions,
      onIncoming: ({ message, reaction }) => {
        // A reaction is news only for the author, and only someone else's.
        if (reaction) {
          if (message.senderId !== session.user.userId || reaction.userId === session.user.userId)
            world.misdirectedReactions.push(`${name}: ${reaction.emoji} on ${message.clientMsgId}`);
          return;
        }
        counts.set(message.clientMsgId, (counts.get(message.clientMsgId) ?? 0) + 1);
        if (message.senderId === session.user.userId)
          world.ownAnnounced.push(`${name}: ${message.clientMsgId}`);
      },
    });
    world.slots.push({ device: opened, userIndex });
  }
  return world;
}

/** A device's messages as the user sees them: statuses read off its watermarks. */
async function shownRows(device: Device, userId: number) {
  const [rows, conversations] = await Promise.all([
    device.messages(),
    device.db.conversations.toArray(),
  ]);
  const byKey = new Map(conversations.map((c) => [c.key, c]));
  return rows.map((m) => {
    const conversation = byKey.get(m.convKey);
    const status = conversation ? displayedStatus(m, conversation, userId) : m.status;
    return describeRow({
      ...m,
      id: m.serverId,
      status,
      replyToId: m.replyTo?.messageId ?? null,
      reactions: m.reactions ?? [],
    });
  });
}

const describeRow = (r: {
  id: number | null;
  clientMsgId: string;
  content: string;
  isDeleted: boolean;
  isEdited: boolean;
  status: string;
  replyToId: number | null;
  reactions: readonly { emoji: string; userIds: readonly number[] }[];
}) =>
  `#${r.id} ${r.clientMsgId.slice(-6)} ${JSON.stringify(r.content)}${r.isDeleted ? ' deleted' : ''}${r.isEdited ? ' edited' : ''} ${r.status}${r.replyToId ? ` re #${r.replyToId}` : ''}${r.reactions.map((x) => ` ${x.emoji}${x.userIds.join(',')}`).join('')}`;

async function serverRows(world: World): Promise<string[]> {
  const userIds = world.users.map((u) => u.user.userId);
  return (await serverMessages(server, userIds)).map((m) => describeRow({ ...m, id: m.messageId }));
}

/** What still differs between the server and the devices, or '' once they agree. Each
 * device is read in one transaction (its outbox and its rows together), and the server
 * must not have changed while the devices were compared. */
async function divergence(world: World): Promise<string> {
  const onServer = await serverRows(world);
  for (const { device } of world.slots) {
    const { queued, shown, failed } = await device.db.transaction(
      'r',
      [device.db.outbox, device.db.messages, device.db.conversations],
      async () => ({
        queued: await device.db.outbox.count(),
        shown: await shownRows(device, device.user.user.userId),
        failed: await device.db.messages.where('status').equals('failed').first(),
      }),
    );
    if (failed)
      throw new Error(`${device.name}: message failed: ${JSON.stringify(failed.failure)}`);
    if (queued > 0) return `${device.name}: ${queued} operations still queued`;
    for (let i = 0; i < Math.max(shown.length, onServer.length); i++) {
      if (shown[i] !== onServer[i]) {
        return `${device.name} row ${i}: has ${shown[i] ?? 'nothing'}, server has ${onServer[i] ?? 'nothing'}`;
      }
    }
  }
  const after = await serverRows(world);
  return after.join('\n') === onServer.join('\n') ? '' : 'the server changed meanwhile';
}

/** The state behind a failed expectation: the server's rows and each device's. */
async function describeWorld(world: World, stored: ServerMessage[]): Promise<string> {
  const lines = ['server:', ...stored.map((m) => `  ${describeRow({ ...m, id: m.messageId })}`)];
  for (const { device } of world.slots) {
    lines.push(`${device.name}:`);
    for (const c of await device.db.conversations.toArray()) {
      lines.push(
        `  conversation ${c.key} server ${c.serverId} version ${c.version} marks ${JSON.stringify(c.members)} confirmed ${JSON.stringify(c.confirmedMarks)}`,
      );
    }
    for (const row of await shownRows(device, device.user.user.userId)) lines.push(`  ${row}`);
  }
  return lines.join('\n');
}

function checkAgainstModel(world: World, stored: ServerMessage[]): void {
  const storedIds = stored.map((m) => m.clientMsgId);
  expect(new Set(storedIds).size, 'each message stored once').toBe(storedIds.length);
  expect([...storedIds].sort(), 'exactly the sent messages').toEqual(
    world.sent.map((s) => s.clientMsgId).sort(),
  );
  const byId = new Map(stored.map((m) => [m.clientMsgId, m]));
  for (const sent of world.sent) {
    const row = byId.get(sent.clientMsgId)!;
    expect(row.senderId).toBe(world.users[sent.userIndex].user.userId);
    if (sent.isDeleteRequested) {
      expect(row, 'a delete wins and leaves a tombstone').toMatchObject({
        isDeleted: true,
        content: '',
      });
      continue;
    }
    expect(row.isDeleted).toBe(false);
    const editors = new Set(sent.edits.map((e) => e.device));
    if (sent.edits.length === 0) expect(row.content).toBe(sent.original);
    else if (editors.size === 1)
      expect(row.content, 'the last edit wins').toBe(sent.edits.at(-1)!.text);
    else expect(sent.edits.map((e) => e.text)).toContain(row.content);
    // Every recipient has a synced device: everything has been delivered.
    expect(['delivered', 'read']).toContain(row.status);
    if (sent.replyTo) {
      expect(row.replyToId, 'a reply names its original').toBe(byId.get(sent.replyTo)?.messageId);
    }
  }
  // Per (message, user, emoji): the state the last toggle left, unless the message went.
  const lastToggle = new Map<string, Toggle>();
  for (const toggle of world.toggles) {
    lastToggle.set(`${toggle.clientMsgId} ${toggle.userIndex} ${toggle.emoji}`, toggle);
  }
  for (const toggle of lastToggle.values()) {
    const row = byId.get(toggle.clientMsgId)!;
    if (row.isDeleted) continue;
    const userId = world.users[toggle.userIndex].user.userId;
    const isOn = row.reactions.some((r) => r.emoji === toggle.emoji && r.userIds.includes(userId));
    expect(isOn, `the last reaction change wins: ${JSON.stringify(toggle)}`).toBe(toggle.isOn);
  }
  for (const [name, counts] of world.announced) {
    for (const [clientMsgId, times] of counts) {
      expect(times, `${name} announced ${clientMsgId} once`).toBe(1);
    }
  }
  expect(world.ownAnnounced, 'own messages are never announced as incoming').toEqual([]);
  expect(world.misdirectedReactions, 'reactions are announced to the author only').toEqual([]);
  expect(world.regressions, 'no status moved backwards').toEqual([]);
}

/** Each device holds the conversation once, and its list fields match its messages. */
async function checkDevices(world: World): Promise<void> {
  for (const { device, userIndex } of world.slots) {
    const conversations = await device.db.conversations.toArray();
    expect(
      conversations.length,
      `${device.name} has no duplicate conversation`,
    ).toBeLessThanOrEqual(1);
    const [conversation] = conversations;
    if (!conversation) continue;
    const rows = await device.messages();
    const me = world.users[userIndex].user.userId;
    const shown = rows.filter((m) => !m.isDeleted).at(-1);
    const readUpTo = marksOf(conversation, me).readUpTo;
    expect(conversation, `${device.name} conversation fields`).toMatchObject({
      unreadCount: rows.filter(
        (m) => m.senderId !== me && (m.serverId ?? 0) > readUpTo && !m.isDeleted,
      ).length,
      pendingCount: 0,
      failedCount: 0,
      lastMessagePreview: shown?.content ?? null,
    });
  }
}

async function runSchedule(
  layoutChoice: [Devices, Devices],
  schedule: Iterable<fc.AsyncCommand<Model, World>>,
): Promise<void> {
  const world = await withDeadline('opening the devices', openWorld(layoutChoice));
  try {
    const model: Model = { deviceUsers: world.slots.map((s) => s.userIndex), sentBy: [0, 0] };
    await fc.asyncModelRun(() => ({ model, real: world }), schedule);
    for (const { device } of world.slots) {
      device.goOnline();
      device.transport.dropLiveEvents(false);
    }
    let last = '';
    await waitFor(
      async () => {
        last = await divergence(world);
        return last === '';
      },
      { timeoutMs: CONVERGE_TIMEOUT_MS, intervalMs: 25, what: 'convergence' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${last}`);
    });
    const stored = await serverMessages(
      server,
      world.users.map((u) => u.user.userId),
    );
    try {
      checkAgainstModel(world, stored);
      await checkDevices(world);
    } catch (error) {
      if (error instanceof Error) error.message += `\n${await describeWorld(world, stored)}`;
      throw error;
    }
  } finally {
    await withDeadline(
      'closing the devices',
      Promise.all(world.slots.map((s) => s.device.close())),
    );
  }
}

test(
  `[S3.1–S3.7] every schedule converges: each message once everywhere, in server order, no status backwards (${RUNS} runs)`,
  async () => {
    console.info(`convergence: FC_SEED=${SEED} CONVERGENCE_RUNS=${RUNS}`);
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(layout, steps, (chosen, schedule) => runSchedule(chosen, schedule)),
      {
        numRuns: RUNS,
        seed: SEED,
        ...(PATH ? { path: PATH } : {}),
        // FC_NO_SHRINK=1 reports the first failing schedule as it is, without shrinking it.
        endOnFailure: process.env.FC_NO_SHRINK === '1',
      },
    );
    console.info(`convergence: ${RUNS} schedules in ${Date.now() - started} ms`);
  },
  Math.max(180_000, RUNS * 4_000),
);
