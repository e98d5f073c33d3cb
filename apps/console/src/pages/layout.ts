import { Injectable } from '@nestjs/common';
import { BranchRegistry } from '@app/platform/config/branches';
import { ConsoleSession, summarise } from '../session/console-session';
import { html, jsonData, SafeHtml } from './html';

export type Section = 'scan' | 'receive' | 'queues' | 'overview' | 'labels' | 'sign-in';

const NAV: ReadonlyArray<[Section, string, string]> = [
  ['scan', '/scan', 'Scan'],
  ['receive', '/receive', 'Receive'],
  ['queues', '/queues', 'Queues'],
  ['overview', '/overview', 'Overview'],
  ['labels', '/labels', 'Spine labels'],
];

export interface PageOptions {
  title: string;
  active: Section;
  session?: ConsoleSession;
  body: SafeHtml;
  /** Module scripts from /assets. */
  scripts?: string[];
  /** Data for the scripts (read from the #console-data JSON block). */
  data?: Record<string, unknown>;
}

/** The frame of every page: skip link, banner with navigation and who is signed in, one main landmark. */
@Injectable()
export class Layout {
  constructor(private readonly branches: BranchRegistry) {}

  branchName(code: string): string {
    return this.branches.branches.find((b) => b.code === code)?.name ?? code;
  }

  render(options: PageOptions): string {
    const { session } = options;
    const who = session
      ? html`<div class="who">
          <span><strong>${session.user.name ?? session.user.id}</strong> · ${session.user.roles.join(', ')} · ${session.branches.join(', ')}</span>
          <form method="post" action="/sign-out"><button type="submit" class="link-button">Sign out</button></form>
        </div>`
      : '';
    const nav = session
      ? html`<nav aria-label="Main"><ul>
          ${NAV.map(([id, href, label]) => html`<li><a href="${href}" ${id === options.active ? html`aria-current="page"` : ''}>${label}</a></li>`)}
        </ul></nav>`
      : '';
    const data = {
      ...(options.data ?? {}),
      ...(session ? { session: summarise(session) } : {}),
      branches: this.branches.branches,
    };
    return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Technician console</title>
<link rel="stylesheet" href="/assets/console.css">
<link rel="icon" href="data:,">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="banner">
  <a class="brand" href="/scan">Technical services</a>
  ${nav}
  ${who}
</header>
<main id="main" tabindex="-1">
${options.body}
</main>
${jsonData('console-data', data)}
${(options.scripts ?? []).map((src) => html`<script type="module" src="/assets/${src}"></script>`)}
</body>
</html>`.value;
  }
}
