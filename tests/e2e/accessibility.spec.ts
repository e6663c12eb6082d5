// axe-core over every screen of the web app, in the light and the dark theme: no serious
// or critical violation anywhere (sign-in, create account, conversation list, open chat,
// message menu, Send later and its dialog, new group, group chat, read by, group info,
// settings, search results, services, outbox, scheduled, a page that does not exist).
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import {
  chooseNewGroup,
  closeDialog,
  groupChat,
  messageSaying,
  openGroupInfo,
  pickFromMenu,
} from './support/groups.ts';
import {
  conversationList,
  conversationWith,
  messages,
  newUser,
  openPage,
  send,
  sendByRest,
  signedInPage,
  startConversation,
  webUrl,
} from './support/web-app.ts';

const THEMES = ['light', 'dark'] as const;

interface Finding {
  screen: string;
  rule: string;
  impact: string;
  targets: string[];
}

async function seriousViolations(page: Page, screen: string): Promise<Finding[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      screen,
      rule: violation.id,
      impact: violation.impact ?? '',
      // For contrast the message carries the colours and the ratio axe measured.
      targets: violation.nodes.map(
        (node) => `${node.target.join(' ')}: ${node.any[0]?.message ?? node.failureSummary ?? ''}`,
      ),
    }));
}

for (const colorScheme of THEMES) {
  test(`every screen has no serious or critical axe violation in the ${colorScheme} theme`, async ({
    browser,
  }) => {
    const findings: Finding[] = [];
    const check = async (page: Page, screen: string) => {
      findings.push(...(await seriousViolations(page, `${screen} (${colorScheme})`)));
    };

    const signedOut = await browser.newContext({ colorScheme });
    const page = await signedOut.newPage();
    await page.goto(`${webUrl()}/sign-in`);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await check(page, 'sign-in');
    await page.getByRole('link', { name: 'Create account' }).click();
    await expect(page.getByRole('heading', { name: 'Create account' })).toBeVisible();
    await check(page, 'create account');
    await signedOut.close();

    const alice = await newUser(`Alice Axe ${colorScheme}`);
    const bob = await newUser(`Bob Axe ${colorScheme}`);
    await newUser(`Cora Axe ${colorScheme}`);
    const conversationId = await startConversation(bob, alice);
    await sendByRest(bob, conversationId, 'a reply with a link: https://example.com/guide');
    const a = await signedInPage(browser, alice, { colorScheme });
    await expect(conversationWith(a.page, `Bob Axe ${colorScheme}`)).toBeVisible();
    await check(a.page, 'conversation list');

    await conversationWith(a.page, `Bob Axe ${colorScheme}`).click();
    await expect(messages(a.page)).toBeVisible();
    await send(a.page, 'my own message, edited later');
    await expect(messages(a.page).getByRole('img', { name: /Sent|Delivered|Read/ })).toBeVisible();
    await check(a.page, 'open chat');
    await messages(a.page)
      .getByRole('button', { name: /^More actions for message from You/ })
      .click();
    await expect(a.page.getByRole('menu')).toBeVisible();
    await check(a.page, 'message menu');
    await a.page.keyboard.press('Escape');
    await a.page.getByRole('textbox', { name: 'Message' }).fill('for later');
    await a.page.getByRole('button', { name: 'Send later' }).click();
    const later = a.page.getByRole('menu', { name: 'Send later' });
    await expect(later).toBeVisible();
    await check(a.page, 'send later menu');
    await later.getByRole('menuitem', { name: 'Custom time…' }).click();
    const picking = a.page.getByRole('dialog', { name: 'Schedule message' });
    await expect(picking.getByLabel('Send at')).toBeFocused();
    await check(a.page, 'schedule dialog');
    await picking.getByRole('button', { name: 'Schedule' }).click();
    await expect(a.page.getByRole('link', { name: '1 scheduled message' })).toBeVisible();

    const newGroup = await chooseNewGroup(
      a.page,
      `Axe group ${colorScheme}`,
      `Axe ${colorScheme}`,
      [`Bob Axe ${colorScheme}`, `Cora Axe ${colorScheme}`],
    );
    await check(a.page, 'new group');
    await newGroup.getByRole('button', { name: 'Create group' }).click();
    await expect(groupChat(a.page, `Axe group ${colorScheme}`)).toBeVisible();
    await send(a.page, 'a message in the group');
    await expect(
      messageSaying(a.page, 'a message in the group').getByRole('img', {
        name: /Sent|Delivered|Read/,
      }),
    ).toBeVisible();
    await check(a.page, 'group chat');
    await pickFromMenu(a.page, 'a message in the group', /^Read by \d+ of \d+$/);
    const readBy = a.page.getByRole('dialog', { name: 'Read by' });
    await expect(readBy.getByText('Asking the server for times…')).toHaveCount(0);
    await check(a.page, 'read by');
    await closeDialog(readBy);
    const info = await openGroupInfo(a.page);
    await info.getByRole('button', { name: 'Add members' }).click();
    await expect(info.getByRole('region', { name: 'Add members' })).toBeVisible();
    await check(a.page, 'group info');
    await closeDialog(info);

    await a.page.getByRole('button', { name: 'Settings' }).click();
    await check(a.page, 'settings');
    await a.page.getByRole('button', { name: 'Settings' }).click();

    await a.page.getByRole('searchbox', { name: 'Search' }).fill('link');
    await expect(a.page.getByRole('region', { name: 'Search results' })).toBeVisible();
    await check(a.page, 'search results');
    await a.page.getByRole('searchbox', { name: 'Search' }).fill('');
    await expect(conversationList(a.page)).toBeVisible();

    await openPage(a.page, 'Services');
    await expect(a.page.getByRole('button', { name: 'Contact provider' }).first()).toBeVisible();
    await check(a.page, 'services');
    await openPage(a.page, 'Outbox');
    await check(a.page, 'outbox');
    await openPage(a.page, 'Scheduled');
    await expect(a.page.getByRole('list', { name: 'Scheduled messages' })).toBeVisible();
    await check(a.page, 'scheduled');
    await a.page.goto(`${webUrl()}/no-such-page`);
    await check(a.page, 'not found');
    await a.context.close();

    expect(findings).toEqual([]);
  });
}
