import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, PartnerRoute, Role } from '@app/auth';
import { Page, PageQuery } from '@app/platform';
import { idParam } from '../common/id-param';
import { VendorShipmentDetailView, VendorShipmentView } from './shipment.view';
import { VendorShipmentsService } from './vendor-shipments.service';

const lotId = idParam('bindery lot');

/** The bindery vendor's side: its own lots, by the partner id of its token. */
@ApiTags('vendor')
@ApiBearerAuth()
@PartnerRoute(Role.BinderyVendor)
@Controller('vendor/shipments')
export class VendorShipmentsController {
  constructor(private readonly shipments: VendorShipmentsService) {}

  @Get()
  @ApiOperation({ summary: 'The lots sent to this vendor, newest first' })
  list(@Query() query: PageQuery, @CurrentUser() user: AuthenticatedUser): Promise<Page<VendorShipmentView>> {
    return this.shipments.list(query, user);
  }

  @Get(':id')
  @ApiOperation({ summary: "One of this vendor's lots with its manifest and binding slips" })
  @ApiOkResponse({ type: VendorShipmentDetailView })
  get(@Param('id', lotId) id: string, @CurrentUser() user: AuthenticatedUser): Promise<VendorShipmentDetailView> {
    return this.shipments.get(id, user);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge receipt of the lot (idempotent); the library sees it on the lot' })
  @ApiOkResponse({ type: VendorShipmentDetailView })
  acknowledge(@Param('id', lotId) id: string, @CurrentUser() user: AuthenticatedUser): Promise<VendorShipmentDetailView> {
    return this.shipments.acknowledge(id, user);
  }
}
