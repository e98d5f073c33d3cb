import { Controller, Get, Header, Query, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { html } from '../pages/html';
import { Layout } from '../pages/layout';
import { errorPanel } from '../pages/panels';
import { ConsoleSession } from '../session/console-session';
import { Session, SignedInGuard } from '../session/signed-in.guard';
import { ServiceError } from '../upstream/service-client';
import { labelSheet } from './labels.page';
import { LabelSheet, SpineLabelsService } from './spine-labels.service';

@ApiExcludeController()
@UseGuards(SignedInGuard)
@Controller('labels')
export class LabelsController {
  constructor(
    private readonly labels: SpineLabelsService,
    private readonly layout: Layout,
  ) {}

  /** `?barcodes=a,b` for those items, otherwise the branch's items waiting for a spine label. */
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async page(@Session() session: ConsoleSession, @Query('barcodes') barcodes?: string, @Query('branch') branch?: string): Promise<string> {
    const list = (barcodes ?? '').split(/[\s,]+/).map((b) => b.trim()).filter(Boolean).slice(0, 500);
    const chosen = branch && session.branches.includes(branch) ? branch : session.branches[0];
    let sheet: LabelSheet | undefined;
    let problem;
    try {
      sheet = list.length ? await this.labels.forBarcodes(list, session) : chosen ? await this.labels.waiting(chosen, session) : { labels: [], skipped: [] };
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      problem = errorPanel(error);
    }
    const body = html`${labelSheet({ sheet, barcodes: list, branch: chosen, session, layout: this.layout })}${problem ?? ''}`;
    return this.layout.render({ title: 'Spine labels', active: 'labels', session, body, scripts: ['print.js'] });
  }
}
