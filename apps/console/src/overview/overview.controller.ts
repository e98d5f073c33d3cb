import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Layout } from '../pages/layout';
import { ConsoleSession } from '../session/console-session';
import { Session, SignedInGuard } from '../session/signed-in.guard';
import { overviewPage } from './overview.page';
import { OverviewService } from './overview.service';

@ApiExcludeController()
@UseGuards(SignedInGuard)
@Controller('overview')
export class OverviewController {
  constructor(
    private readonly overview: OverviewService,
    private readonly layout: Layout,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async page(@Session() session: ConsoleSession): Promise<string> {
    const overview = await this.overview.load(session);
    return this.layout.render({ title: 'Overview', active: 'overview', session, body: overviewPage(overview, this.layout) });
  }
}
