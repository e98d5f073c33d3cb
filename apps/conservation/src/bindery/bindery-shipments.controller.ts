import { Body, Controller, Get, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Role, Roles } from '@app/auth';
import { Page } from '@app/platform';
import { idParam } from '../common/id-param';
import { BinderyShipmentsService } from './bindery-shipments.service';
import { AddShipmentItemsDto, CreateShipmentDto, ListShipmentsQuery, ReturnItemsDto } from './shipment.dto';
import { ReturnResultView, ShipmentDetailView, ShipmentView } from './shipment.view';

const lotId = idParam('bindery lot');

@ApiTags('bindery')
@ApiBearerAuth()
@Controller('bindery/shipments')
export class BinderyShipmentsController {
  constructor(private readonly shipments: BinderyShipmentsService) {}

  @Post()
  @Roles(Role.Technician)
  @ApiOperation({ summary: 'Open a bindery lot for a vendor' })
  @ApiCreatedResponse({ type: ShipmentDetailView })
  create(@Body() body: CreateShipmentDto, @CurrentUser() user: AuthenticatedUser): Promise<ShipmentDetailView> {
    return this.shipments.create(body, user);
  }

  @Get()
  @ApiOperation({ summary: 'Bindery lots; overdue=true for dispatched lots past their expected return' })
  list(@Query() query: ListShipmentsQuery, @CurrentUser() user: AuthenticatedUser): Promise<Page<ShipmentView>> {
    return this.shipments.list(query, user);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One lot with its lines (numbered from 1) and binding slips' })
  @ApiOkResponse({ type: ShipmentDetailView })
  get(@Param('id', lotId) id: string, @CurrentUser() user: AuthenticatedUser): Promise<ShipmentDetailView> {
    return this.shipments.get(id, user);
  }

  @Post(':id/items')
  @HttpCode(200)
  @Roles(Role.Technician)
  @ApiOperation({ summary: 'Add AWAITING_BINDERY items to an open lot, each with its binding slip' })
  @ApiOkResponse({ type: ShipmentDetailView })
  addItems(@Param('id', lotId) id: string, @Body() body: AddShipmentItemsDto, @CurrentUser() user: AuthenticatedUser): Promise<ShipmentDetailView> {
    return this.shipments.addItems(id, body, user);
  }

  @Get(':id/slips.pdf')
  @ApiProduces('application/pdf')
  @ApiOperation({ summary: 'Printable binding slips: a manifest page, then one slip per item' })
  async slips(@Param('id', lotId) id: string, @CurrentUser() user: AuthenticatedUser): Promise<StreamableFile> {
    const { lotNumber, pdf } = await this.shipments.slips(id, user);
    return new StreamableFile(pdf, { type: 'application/pdf', disposition: `inline; filename="${lotNumber}-slips.pdf"`, length: pdf.length });
  }

  @Post(':id/dispatch')
  @HttpCode(200)
  @Roles(Role.Technician)
  @ApiOperation({ summary: 'Send the lot: its items become AT_BINDERY and the vendor receives the manifest' })
  @ApiOkResponse({ type: ShipmentDetailView })
  dispatch(@Param('id', lotId) id: string, @CurrentUser() user: AuthenticatedUser): Promise<ShipmentDetailView> {
    return this.shipments.dispatch(id, user);
  }

  @Post(':id/returns')
  @HttpCode(200)
  @Roles(Role.Technician)
  @ApiOperation({ summary: 'Check items back in from the vendor; answers accepted and rejected barcodes' })
  @ApiOkResponse({ type: ReturnResultView })
  returns(@Param('id', lotId) id: string, @Body() body: ReturnItemsDto, @CurrentUser() user: AuthenticatedUser): Promise<ReturnResultView> {
    return this.shipments.returnItems(id, body, user);
  }
}
