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

/**
 * Calls the API from the person's page, as the app does (their cookie, their CSRF token, the browser's own
 * connection handling), for what a scenario sets up rather than clicks through.
 */
export async function callApi(person: Person, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  return person.page.evaluate(
    async ({ method, path, body }) => {
      const session = (await (await fetch('/api/session')).json()) as { csrfToken?: string };
      const headers: Record<string, string> = { 'x-csrf-token': session.csrfToken ?? '' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const answer = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      const text = await answer.text();
      return { status: answer.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
    },
    { method, path, body },
  );
}
