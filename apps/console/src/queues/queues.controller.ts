import { Body, Controller, Get, Header, NotFoundException, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { html, SafeHtml } from '../pages/html';
import { Layout } from '../pages/layout';
import { errorPanel, notice } from '../pages/panels';
import { ConsoleSession } from '../session/console-session';
import { Session, SignedInGuard } from '../session/signed-in.guard';
import { ServiceError } from '../upstream/service-client';
import * as pages from './queues.page';
import { AssignProblem, isQueueId, QUEUES, QueueId } from './queues.page';
import { QueuesService } from './queues.service';

/** Server-rendered work lists: readable without scripts, printable, with plain forms for decisions. */
@ApiExcludeController()
@UseGuards(SignedInGuard)
@Controller('queues')
export class QueuesController {
  constructor(
    private readonly queues: QueuesService,
    private readonly layout: Layout,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  index(@Session() session: ConsoleSession, @Query('branch') branch?: string): string {
    const chosen = this.branchFor(session, branch);
    const body = html`<h1>Queues</h1>
      ${this.branchPicker(session, chosen, '/queues')}
      <ul class="queue-index">
        ${QUEUES.map((queue) => html`<li><a href="/queues/${queue.id}?branch=${chosen}">${queue.title}</a> <span class="muted">${queue.describe} Order: ${queue.order}.</span></li>`)}
      </ul>`;
    return this.layout.render({ title: 'Queues', active: 'queues', session, body });
  }

  @Get(':queue')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async queue(
    @Param('queue') queue: string,
    @Session() session: ConsoleSession,
    @Query('branch') branch?: string,
    @Query('done') done?: string,
    @Query('barcode') barcode?: string,
  ): Promise<string> {
    if (!isQueueId(queue)) throw new NotFoundException(`there is no queue "${queue}": pick one on the Queues page`);
    return this.render(queue, session, this.branchFor(session, branch), done ? notice(done) : undefined, undefined, barcodeFilter(barcode));
  }

  @Post('call-numbers/assign')
  async assign(
    @Body() body: Record<string, string>,
    @Session() session: ConsoleSession,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string | void> {
    const branch = this.branchFor(session, body.branch);
    const barcode = String(body.barcode ?? '');
    const callNumber = String(body.callNumber ?? '').trim();
    const scheme = String(body.scheme ?? '');
    try {
      await this.queues.assignCallNumber(barcode, callNumber, scheme, session);
    } catch (error) {
      if (!(error instanceof ServiceError) || error.status >= 500 || error.status === 401) throw error;
      const problem: AssignProblem = { barcode, message: error.message, whatToDo: error.whatToDo, callNumber, scheme };
      response.status(error.status).type('html');
      return this.render('call-numbers', session, branch, undefined, problem);
    }
    response.redirect(303, `/queues/call-numbers?branch=${encodeURIComponent(branch)}&done=${encodeURIComponent(`Assigned ${callNumber} to ${barcode}.`)}`);
  }

  @Post('weeding/:id/:decision')
  async decide(
    @Param('id') id: string,
    @Param('decision') decision: string,
    @Body() body: Record<string, string>,
    @Session() session: ConsoleSession,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string | void> {
    if (decision !== 'approve' && decision !== 'keep') throw new NotFoundException('decide approve or keep');
    const branch = this.branchFor(session, body.branch);
    try {
      await this.queues.decideCandidate(id, decision, session);
    } catch (error) {
      if (!(error instanceof ServiceError) || error.status >= 500 || error.status === 401) throw error;
      response.status(error.status).type('html');
      return this.render('weeding', session, branch, errorPanel(error));
    }
    const done = decision === 'approve' ? 'Approved: it is on the pull list.' : 'Kept in the collection.';
    response.redirect(303, `/queues/weeding?branch=${encodeURIComponent(branch)}&done=${encodeURIComponent(done)}`);
  }

  private async render(queue: QueueId, session: ConsoleSession, branch: string, message?: SafeHtml, problem?: AssignProblem, barcode?: string): Promise<string> {
    const definition = QUEUES.find((q) => q.id === queue)!;
    let content: SafeHtml;
    try {
      content = await this.content(queue, session, branch, problem, barcode);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      content = errorPanel(error, `Could not load the ${definition.title.toLowerCase()}`);
    }
    const body = html`<h1>${definition.title} <span class="muted">· ${branch}</span></h1>
      <p class="print-only">${this.layout.branchName(branch)} · printed ${new Date().toISOString().slice(0, 16).replace('T', ' ')}</p>
      ${this.branchPicker(session, branch, `/queues/${queue}`)}
      <p class="help">${definition.describe} Order: ${definition.order}.</p>
      <p class="no-print"><button type="button" data-print class="secondary">Print this list</button></p>
      ${message ?? ''}
      ${problem ? html`<div class="message error" role="alert"><p>${problem.barcode}: ${problem.message}</p><p>${problem.whatToDo}</p></div>` : ''}
      ${content}`;
    return this.layout.render({ title: definition.title, active: 'queues', session, body, scripts: ['print.js'] });
  }

  private async content(queue: QueueId, session: ConsoleSession, branch: string, problem?: AssignProblem, barcode?: string): Promise<SafeHtml> {
    const can = session.user;
    switch (queue) {
      case 'call-numbers':
        return pages.callNumberQueue(await this.queues.callNumbers(branch, session), branch, can.hasRole('cataloger'), problem);
      case 'shelving':
        return pages.shelvingList(await this.queues.shelving(branch, session));
      case 'pulls':
        return pages.pullList(await this.queues.pulls(branch, session, barcode), branch, barcode);
      case 'repairs':
        return pages.openRepairs(await this.queues.repairs(branch, session));
      case 'bindery': {
        const { lots, waiting } = await this.queues.binderyLots(branch, session);
        return pages.binderyLots(lots, waiting);
      }
      case 'weeding':
        return pages.weedingCandidates(await this.queues.weeding(branch, session), can.hasRole('librarian'));
      case 'listings':
        return pages.listings(await this.queues.listings(branch, session));
    }
  }

  private branchFor(session: ConsoleSession, branch?: string): string {
    return branch && session.branches.includes(branch) ? branch : session.branches[0] ?? '';
  }

  private branchPicker(session: ConsoleSession, branch: string, action: string): SafeHtml {
    if (session.branches.length < 2) return html``;
    return html`<form method="get" action="${action}" class="branch-picker no-print">
      <label for="queue-branch">Branch</label>
      <select id="queue-branch" name="branch">${session.branches.map((code) => html`<option value="${code}" ${code === branch ? html`selected` : ''}>${code} — ${this.layout.branchName(code)}</option>`)}</select>
      <button type="submit" class="secondary">Show</button>
    </form>`;
  }
}

/** A scanned or typed barcode to narrow a list to; blank means the whole list. */
function barcodeFilter(value: unknown): string | undefined {
  const barcode = typeof value === 'string' ? value.trim().slice(0, 64) : '';
  return barcode || undefined;
}
