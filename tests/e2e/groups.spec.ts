// [§4a] Groups in the browser, each person in their own browser context (their own
// IndexedDB) against the real server: a group made and written in offline reaches its
// members once its creator is back; its admin adds a member and renames it; replies,
// reactions and "Read by" work across members; everyone ends with the same log; a member
// who is removed keeps the history, read-only, and gets nothing written after it.
import { expect, test } from '@playwright/test';
import {
  bringToFront,
  chooseNewGroup,
  closeDialog,
  groupChat,
  groupLog,
  messageSaying,
  openGroupInfo,
  pickFromMenu,
} from './support/groups.ts';
import {
  conversationWith,
  messages,
  newUser,
  send,
  sendByRest,
  signedInPage,
  startConversation,
  syncState,
} from './support/web-app.ts';

test('[§4a][S3.1][S3.5] a group created and written in offline reaches its members, who end with one log, one reaction, one reply and Read by from each', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const [ada, ben, cleo, dev] = await Promise.all([
    newUser('Ada Marchetti'),
    newUser('Ben Marchetti'),
    newUser('Cleo Marchetti'),
    newUser('Dev Marchetti'),
  ]);
  const [a, b, c, d] = await Promise.all([
    signedInPage(browser, ada),
    signedInPage(browser, ben),
    signedInPage(browser, cleo),
    signedInPage(browser, dev),
  ]);
  const members = [
    { name: 'Ada Marchetti', page: a.page },
    { name: 'Ben Marchetti', page: b.page },
    { name: 'Cleo Marchetti', page: c.page },
  ];
  const everyone = [a.page, b.page, c.page, d.page];

  // People are found while online; the group itself is made and written in offline.
  const newGroup = await chooseNewGroup(a.page, 'Supper club', 'Marchetti', [
    'Ben Marchetti',
    'Cleo Marchetti',
  ]);
  await a.context.setOffline(true);
  await expect(
    newGroup.getByText('You are offline: finding people needs a connection.'),
  ).toBeVisible();
  await newGroup.getByRole('button', { name: 'Create group' }).click();
  await expect(groupChat(a.page, 'Supper club')).toBeVisible();
  await expect(groupChat(a.page, 'Supper club')).toContainText('3 members');
  const offlineText = 'Written offline: who brings the bread?';
  await send(a.page, offlineText);
  await expect(messages(a.page).getByRole('img', { name: 'Pending' })).toHaveCount(1);
  await expect(syncState(a.page)).toContainText('Offline');
  await expect(conversationWith(b.page, 'Supper club')).toHaveCount(0);

  await a.context.setOffline(false);
  await expect(messages(a.page).getByRole('img', { name: 'Pending' })).toHaveCount(0);
  const created =
    'Ada Marchetti created the group “Supper club” with Ben Marchetti and Cleo Marchetti';
  for (const page of [b.page, c.page]) {
    await expect(conversationWith(page, 'Supper club')).toContainText('3 members');
    await conversationWith(page, 'Supper club').click();
    await expect(groupChat(page, 'Supper club')).toContainText('3 members');
    await expect(messageSaying(page, offlineText)).toBeVisible();
  }
  for (const { name, page } of members) {
    await expect
      .poll(() => groupLog(page, name))
      .toEqual([created, `Ada Marchetti: ${offlineText}`]);
  }

  // Ben and Cleo have it open and in front: Ada's message is read by both.
  await bringToFront(b.page);
  await bringToFront(c.page);
  await expect(messageSaying(a.page, offlineText).getByRole('img', { name: 'Read' })).toBeVisible();
  await pickFromMenu(a.page, offlineText, 'Read by 2 of 2');
  const readBy = a.page.getByRole('dialog', { name: 'Read by' });
  await expect(readBy.getByText('Read by 2 of 2')).toBeVisible();
  await expect(readBy.getByRole('list', { name: 'Members' }).getByRole('listitem')).toHaveText([
    /Ben Marchetti\s*Read \d{1,2}:\d{2}/,
    /Cleo Marchetti\s*Read \d{1,2}:\d{2}/,
  ]);
  await closeDialog(readBy);

  // Online, the admin adds Dev and renames the group.
  const info = await openGroupInfo(a.page);
  await info.getByRole('button', { name: 'Add members' }).click();
  const adding = info.getByRole('region', { name: 'Add members' });
  await adding.getByRole('searchbox', { name: 'Search people by name' }).fill('Dev Marchetti');
  await adding.getByRole('checkbox', { name: 'Dev Marchetti' }).check();
  await adding.getByRole('button', { name: 'Add to group' }).click();
  await expect(info.getByRole('list', { name: 'Members' }).getByRole('listitem')).toHaveCount(4);
  await info.getByRole('button', { name: 'Rename group' }).click();
  await info.getByRole('textbox', { name: 'Group name' }).fill('Saturday supper club');
  await info.getByRole('button', { name: 'Save' }).click();
  await expect(info.getByRole('heading', { name: 'Saturday supper club' })).toBeVisible();
  await expect(info.getByRole('list', { name: 'Members' }).getByRole('listitem')).toHaveText([
    /You\s*Admin/,
    /Ben Marchetti/,
    /Cleo Marchetti/,
    /Dev Marchetti/,
  ]);
  await closeDialog(info);

  const title = 'Saturday supper club';
  const added = 'Ada Marchetti added Dev Marchetti';
  const renamed = 'Ada Marchetti renamed the group to “Saturday supper club”';
  await conversationWith(d.page, title).click();
  await expect(groupChat(d.page, title)).toContainText('4 members');
  for (const page of everyone) {
    await expect(groupChat(page, title)).toContainText('4 members');
    await expect(messages(page).getByText(renamed)).toBeVisible();
  }

  // Each writes in turn, once the one before has reached everyone.
  const adaText = 'I bring bread and cheese';
  const benText = 'I can cook the pasta';
  const cleoText = 'Then dessert is mine';
  await send(a.page, adaText);
  for (const page of everyone) await expect(messageSaying(page, adaText)).toBeVisible();
  await send(b.page, benText);
  for (const page of everyone) await expect(messageSaying(page, benText)).toBeVisible();

  await pickFromMenu(b.page, offlineText, 'React');
  await b.page.getByRole('button', { name: 'React with 👍' }).click();
  await expect(
    messages(a.page).getByRole('button', { name: '👍 1: Ben Marchetti. Press to add yours' }),
  ).toBeVisible();

  await pickFromMenu(c.page, benText, 'Reply');
  await expect(c.page.getByText(`Replying to Ben Marchetti: ${benText}`)).toBeVisible();
  await send(c.page, cleoText);
  for (const page of everyone) {
    await expect(
      messageSaying(page, cleoText).getByRole('button', {
        name: `Reply to ${page === b.page ? 'You' : 'Ben Marchetti'}: ${benText}. Show the original`,
      }),
    ).toBeVisible();
  }

  const log = [
    created,
    `Ada Marchetti: ${offlineText} [👍 Ben Marchetti]`,
    added,
    renamed,
    `Ada Marchetti: ${adaText}`,
    `Ben Marchetti: ${benText}`,
    `Cleo Marchetti: ${cleoText} ↪ Ben Marchetti: ${benText}`,
  ];
  for (const { name, page } of members) await expect.poll(() => groupLog(page, name)).toEqual(log);
  // Dev sees the log from the message that added them.
  await expect.poll(() => groupLog(d.page, 'Dev Marchetti')).toEqual(log.slice(2));

  for (const page of [b.page, c.page, d.page]) await bringToFront(page);
  await expect(messageSaying(a.page, adaText).getByRole('img', { name: 'Read' })).toBeVisible();
  await pickFromMenu(a.page, adaText, 'Read by 3 of 3');
  await expect(readBy.getByText('Read by 3 of 3')).toBeVisible();
  await expect(readBy.getByRole('list', { name: 'Members' }).getByRole('listitem')).toHaveText([
    /Ben Marchetti\s*Read \d{1,2}:\d{2}/,
    /Cleo Marchetti\s*Read \d{1,2}:\d{2}/,
    /Dev Marchetti\s*Read \d{1,2}:\d{2}/,
  ]);
  await closeDialog(readBy);
  // Dev was added after Ada's first message: it is not one of theirs to read.
  await pickFromMenu(a.page, offlineText, /^Read by \d+ of \d+$/);
  await expect(readBy.getByText('Read by 2 of 2')).toBeVisible();
  await expect(readBy.getByRole('list', { name: 'Members' }).getByRole('listitem')).toHaveText([
    /Ben Marchetti\s*Read \d{1,2}:\d{2}/,
    /Cleo Marchetti\s*Read \d{1,2}:\d{2}/,
  ]);
  await closeDialog(readBy);

  await Promise.all([a, b, c, d].map(({ context }) => context.close()));
});

test('[§4a] a removed member keeps the history read-only and gets nothing written after the removal', async ({
  browser,
}) => {
  const [ada, ben, cleo] = await Promise.all([
    newUser('Ada Okafor'),
    newUser('Ben Okafor'),
    newUser('Cleo Okafor'),
  ]);
  const withCleo = await startConversation(ada, cleo);
  const [a, b, c] = await Promise.all([
    signedInPage(browser, ada),
    signedInPage(browser, ben),
    signedInPage(browser, cleo),
  ]);

  const newGroup = await chooseNewGroup(a.page, 'Book circle', 'Okafor', [
    'Ben Okafor',
    'Cleo Okafor',
  ]);
  await newGroup.getByRole('button', { name: 'Create group' }).click();
  await send(a.page, 'First book: Middlemarch');
  for (const page of [b.page, c.page]) {
    await conversationWith(page, 'Book circle').click();
    await expect(messageSaying(page, 'First book: Middlemarch')).toBeVisible();
  }

  const info = await openGroupInfo(a.page);
  await info.getByRole('button', { name: 'Remove Cleo Okafor from the group' }).click();
  await info.getByRole('button', { name: 'Yes, remove' }).click();
  await expect(info.getByRole('list', { name: 'Members' }).getByRole('listitem')).toHaveCount(2);
  await closeDialog(info);

  const removed = 'Ada Okafor removed Cleo Okafor';
  const chat = groupChat(c.page, 'Book circle');
  await expect(chat.getByText('You’re no longer a member of this group.')).toBeVisible();
  await expect(chat.getByRole('textbox', { name: 'Message' })).toHaveCount(0);
  await expect(messageSaying(c.page, 'First book: Middlemarch')).toBeVisible();
  await messageSaying(c.page, 'First book: Middlemarch')
    .getByRole('button', { name: /^More actions/ })
    .click();
  await expect(c.page.getByRole('menuitem', { name: 'Copy text' })).toBeVisible();
  await expect(c.page.getByRole('menuitem', { name: /^(Reply|React)$/ })).toHaveCount(0);
  await c.page.keyboard.press('Escape');

  await send(b.page, 'Written after Cleo left');
  await expect(messageSaying(a.page, 'Written after Cleo left')).toBeVisible();
  // Sent to Cleo after Ben's message reached Ada: once it is on Cleo's device, anything
  // the group still had for her would be there too.
  await sendByRest(ada, withCleo, 'Sorry, the circle got too big');
  await expect(conversationWith(c.page, 'Ada Okafor')).toContainText(
    'Sorry, the circle got too big',
  );
  const history = [
    'Ada Okafor created the group “Book circle” with Ben Okafor and Cleo Okafor',
    'Ada Okafor: First book: Middlemarch',
    removed,
  ];
  await expect.poll(() => groupLog(c.page, 'Cleo Okafor')).toEqual(history);
  await c.page.reload();
  await conversationWith(c.page, 'Book circle').click();
  await expect(chat.getByText('You’re no longer a member of this group.')).toBeVisible();
  await expect.poll(() => groupLog(c.page, 'Cleo Okafor')).toEqual(history);
  await expect
    .poll(() => groupLog(a.page, 'Ada Okafor'))
    .toEqual([...history, 'Ben Okafor: Written after Cleo left']);

  await Promise.all([a, b, c].map(({ context }) => context.close()));
});
