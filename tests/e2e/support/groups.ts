// Builders for the group tests: the New group and Group info dialogs by their accessible
// names, a message's menu, and a group's log as one person reads it, with "You" put back
// to their name so that every member's log can be compared line by line.
import { expect, type Locator, type Page } from '@playwright/test';
import { messages } from './web-app.ts';

export const groupChat = (page: Page, title: string): Locator =>
  page.getByRole('region', { name: `Group ${title}` });

/** New chat → New group, a name, and the people found by `query` named in `names`
 * ticked: the dialog, ready for Create. Finding them needs the server. */
export async function chooseNewGroup(
  page: Page,
  title: string,
  query: string,
  names: readonly string[],
): Promise<Locator> {
  await page.getByRole('button', { name: 'New chat' }).click();
  await page.getByRole('button', { name: 'New group' }).click();
  const dialog = page.getByRole('dialog', { name: 'New group' });
  await dialog.getByRole('textbox', { name: 'Group name' }).fill(title);
  await dialog.getByRole('searchbox', { name: 'Search people by name' }).fill(query);
  const found = dialog.getByRole('list', { name: 'People' });
  for (const name of names) await found.getByRole('checkbox', { name }).check();
  await expect(
    dialog.getByRole('list', { name: 'Chosen people' }).getByRole('listitem'),
  ).toHaveText([...names]);
  return dialog;
}

export async function openGroupInfo(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Group info' }).click();
  const dialog = page.getByRole('dialog', { name: 'Group info' });
  await expect(dialog).toBeVisible();
  return dialog;
}

export async function closeDialog(dialog: Locator): Promise<void> {
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
}

/** The message in the log whose text is exactly `text`. */
export function messageSaying(page: Page, text: string): Locator {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return messages(page).getByRole('article', { name: new RegExp(`: ${escaped}$`) });
}

/** Opens the message's "More actions" menu and picks `item`. */
export async function pickFromMenu(page: Page, text: string, item: string | RegExp) {
  await messageSaying(page, text)
    .getByRole('button', { name: /^More actions for message from / })
    .click();
  await page.getByRole('menuitem', { name: item }).click();
}

interface RawRow {
  system: string | null;
  label: string;
  text: string;
  quote: string | null;
  reactions: string[];
}

function asSeenBy(name: string, me: string): string {
  return name === 'You' ? me : name;
}

/** "👍 2: You and Ben. Press to take yours back" → "👍 Ben, Cleo" (names sorted). */
function reactionLine(label: string, me: string): string {
  const match = label.match(/^(\S+) \d+: (.*)\. Press to (?:add yours|take yours back)$/);
  if (!match) throw new Error(`not a reaction chip: ${label}`);
  const [, emoji, who = ''] = match;
  const names = who.split(/, | and /).map((name) => asSeenBy(name, me));
  return `${emoji} ${names.sort().join(', ')}`;
}

/** "Reply to You: Is Tuesday fine?. Show the original" → "Ada: Is Tuesday fine?". */
function quoteLine(label: string, me: string): string {
  const match = label.match(/^Reply to (.*?): (.*)\. Show the original$/);
  if (!match) throw new Error(`not a reply quote: ${label}`);
  return `${asSeenBy(match[1] ?? '', me)}: ${match[2]}`;
}

/** The log top to bottom as `me` sees it, one line per row: a membership change as its
 * text; a message as "Sender: text", then "↪ Quoted sender: text" for a reply and
 * "[👍 Ben]" per reaction. Times and date separators are left out. */
export async function groupLog(page: Page, me: string): Promise<string[]> {
  const rows = await messages(page)
    .locator('.system-message, article.message')
    .evaluateAll((nodes): RawRow[] =>
      nodes.map((node) => ({
        system: node.classList.contains('system-message')
          ? (node.querySelector('bdi')?.textContent ?? '')
          : null,
        label: node.getAttribute('aria-label') ?? '',
        text: node.querySelector('.message-text')?.textContent ?? '',
        quote: node.querySelector('.reply-quote')?.getAttribute('aria-label') ?? null,
        reactions: [...node.querySelectorAll('.reaction-chip')].map(
          (chip) => chip.getAttribute('aria-label') ?? '',
        ),
      })),
    );
  return rows.map((row) => {
    if (row.system !== null) return row.system;
    const sender = asSeenBy(row.label.slice(0, row.label.indexOf(', ')), me);
    const quote = row.quote ? ` ↪ ${quoteLine(row.quote, me)}` : '';
    const reactions = row.reactions.map((chip) => ` [${reactionLine(chip, me)}]`).join('');
    return `${sender}: ${row.text}${quote}${reactions}`;
  });
}

/** Resolves once the page counts as in front: visible and focused, as reading needs. */
export async function bringToFront(page: Page): Promise<void> {
  await page.bringToFront();
  await expect
    .poll(() => page.evaluate(() => document.visibilityState === 'visible' && document.hasFocus()))
    .toBe(true);
}
