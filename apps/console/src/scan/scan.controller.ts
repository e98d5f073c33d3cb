import { Body, Controller, Get, Header, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Layout } from '../pages/layout';
import { ConsoleSession } from '../session/console-session';
import { Session, SignedInGuard } from '../session/signed-in.guard';
import { BinderyAddition } from './bindery-addition.dto';
import { PullItemDto } from './pull-item.dto';
import { scanPage } from './scan.page';
import { ScanService, ScanView } from './scan.service';

@ApiTags('scan station')
@ApiCookieAuth()
@UseGuards(SignedInGuard)
@Controller()
export class ScanController {
  constructor(
    private readonly scan: ScanService,
    private readonly layout: Layout,
  ) {}

  @Get('scan')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiExcludeEndpoint()
  page(@Session() session: ConsoleSession): string {
    return this.layout.render({ title: 'Scan station', active: 'scan', session, body: scanPage(), scripts: ['scan.js'] });
  }

  @Get('console-api/items/:barcode')
  @ApiOperation({ summary: 'What the scan station shows for a barcode: the item, its history, its open work and the next actions' })
  item(@Param('barcode') barcode: string, @Session() session: ConsoleSession): Promise<ScanView> {
    return this.scan.view(barcode, session);
  }

  @Post('console-api/items/:barcode/pull')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pull an item that is in hand: a pull request in conservation, then marked pulled' })
  pull(@Param('barcode') barcode: string, @Body() body: PullItemDto, @Session() session: ConsoleSession): Promise<unknown> {
    return this.scan.pull(barcode, body, session);
  }

  @Post('console-api/items/:barcode/bindery')
  @HttpCode(200)
  @ApiOperation({ summary: 'Put an item waiting for the bindery into a lot with its binding slip: an open lot, or a new lot with a vendor' })
  bindery(@Param('barcode') barcode: string, @Body() body: BinderyAddition, @Session() session: ConsoleSession): Promise<unknown> {
    return this.scan.addToBinderyLot(barcode, body, session);
  }
}
