import { ServiceError } from '../upstream/service-client';
import { html, SafeHtml } from './html';

/** An error from a service on a server-rendered page: what went wrong and what to do about it. */
export function errorPanel(error: ServiceError, context?: string): SafeHtml {
  return html`<div class="message error" role="alert">
    <p><strong>${context ? `${context}: ` : ''}${error.message}</strong></p>
    <p>${error.whatToDo}${error.status === 401 ? html` <a href="/sign-in">Sign in</a>` : ''}</p>
  </div>`;
}

export function notice(text: string): SafeHtml {
  return html`<div class="message success" role="status"><p>${text}</p></div>`;
}
