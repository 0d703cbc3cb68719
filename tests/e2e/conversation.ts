import { expect, type Locator } from '@playwright/test';
import type { AppPage } from './app-page';

/** Opens the Messages view and the conversation with `target` (a number or SIP address). */
export async function openConversation(app: AppPage, target: string): Promise<void> {
  await app.button(/^Messages/).click();
  await app.page.getByRole('textbox', { name: 'Message a number or SIP address' }).fill(target);
  await app.button('Open conversation').click();
}

/** Types a text into the open conversation and sends it with Enter, as a user would. */
export async function typeAndSend(app: AppPage, text: string): Promise<void> {
  const box = app.page.getByRole('textbox', { name: /^Message to / });
  await box.fill(text);
  await box.press('Enter');
  await expect(box).toHaveValue('');
}

/** The open conversation (its title is the contact's or sender's name, else the address). */
export function thread(app: AppPage): Locator {
  return app.page.getByRole('region', { name: /^Conversation with / });
}

/** The list of conversations, each a button named by who, unread count and last text. */
export function conversations(app: AppPage): Locator {
  return app.page.getByRole('list', { name: 'Conversations' });
}

/** The open thread's entry holding `text`. */
export function threadMessage(app: AppPage, text: string): Locator {
  return thread(app).getByRole('listitem').filter({ hasText: text });
}
