import { Body, Controller, Get, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Layout } from '../pages/layout';
import { ConsoleSession } from '../session/console-session';
import { Session, SignedInGuard } from '../session/signed-in.guard';
import { ParseCsvDto, ReceiveShipmentDto } from './receive.dto';
import { receivePage } from './receive.page';
import { ReceiveService } from './receive.service';
import { SHIPMENT_COLUMNS } from './shipment-columns';
import { ParsedShipmentCsv, readShipmentCsv } from './shipment-csv';

@ApiTags('receive')
@ApiCookieAuth()
@UseGuards(SignedInGuard)
@Controller()
export class ReceiveController {
  constructor(
    private readonly receiving: ReceiveService,
    private readonly layout: Layout,
  ) {}

  @Get('receive')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiExcludeEndpoint()
  page(@Session() session: ConsoleSession): string {
    return this.layout.render({ title: 'Receive a shipment', active: 'receive', session, body: receivePage(session, this.layout), scripts: ['receive.js'], data: { columns: SHIPMENT_COLUMNS } });
  }

  @Post('console-api/shipments/csv')
  @HttpCode(200)
  @ApiOperation({ summary: "Read a supplier's CSV into lines (nothing is received yet); problems name the row" })
  parse(@Body() body: ParseCsvDto): ParsedShipmentCsv {
    return readShipmentCsv(body.csv);
  }

  @Post('console-api/shipments')
  @ApiOperation({ summary: "Receive the lines at intake; a refusal names each line and field (problems.lines[].index, .field)" })
  receive(@Body() body: ReceiveShipmentDto, @Session() session: ConsoleSession): Promise<unknown> {
    return this.receiving.receive(body, session);
  }
}
