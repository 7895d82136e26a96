/** A person at the browser: a context of their own (cookies, session), signed in through the login page. */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

export interface Person {
  readonly username: string;
  readonly password: string;
  readonly context: BrowserContext;
  readonly page: Page;
}

export async function signIn(browser: Browser, url: string, username: string, password: string): Promise<Person> {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').waitFor();
  expect(errors).toEqual([]);
  return { username, password, context, page };
}
