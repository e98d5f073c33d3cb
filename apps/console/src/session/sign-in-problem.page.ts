import { html } from '../pages/html';
import { Layout } from '../pages/layout';
import { SignInProblem } from './oidc/oidc-client';

/** A sign-in that could not complete, as a page: what happened, what to do, and the way to start again. */
export function signInProblemPage(error: unknown, layout: Layout, next = '/scan'): { status: number; html: string } | undefined {
  if (!(error instanceof SignInProblem)) return undefined;
  const body = html`<h1>Sign-in did not complete</h1>
    <div class="message error" role="alert">
      <p><strong>${capitalise(error.message)}.</strong></p>
      <p>${error.whatToDo}</p>
    </div>
    <p><a class="button" href="/sign-in?next=${encodeURIComponent(next)}">Sign in again</a></p>`;
  return { status: error.status, html: layout.render({ title: 'Sign-in did not complete', active: 'sign-in', body }) };
}

function capitalise(text: string): string {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}
