import { BadRequestException, Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Role, Roles } from '@app/auth';
import { Page } from '@app/platform';
import { ListShipmentsQuery } from './list-shipments.query';
import { ReceiveShipmentDto } from './receive-shipment.dto';
import { ShipmentDetail, ShipmentReceipt, ShipmentsService, ShipmentView } from './shipments.service';

const shipmentId = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('id: must be a shipment id (uuid)') });

@ApiTags('shipments')
@ApiBearerAuth()
@Controller('shipments')
export class ShipmentsController {
  constructor(private readonly shipments: ShipmentsService) {}

  @Post()
  @Roles(Role.Technician)
  @ApiOperation({ summary: 'Receive a shipment from a supplier: all of it, or (on any error) nothing' })
  receive(@Body() body: ReceiveShipmentDto, @CurrentUser() user: AuthenticatedUser): Promise<ShipmentReceipt> {
    user.assertBranch(body.branch);
    return this.shipments.receive(body, user.id);
  }

  @Get()
  @ApiOperation({ summary: 'Shipments received, newest first' })
  list(@Query() query: ListShipmentsQuery, @CurrentUser() user: AuthenticatedUser): Promise<Page<ShipmentView>> {
    return this.shipments.list(query, user);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One shipment with a summary of its items' })
  get(@Param('id', shipmentId) id: string, @CurrentUser() user: AuthenticatedUser): Promise<ShipmentDetail> {
    return this.shipments.get(id, user);
  }
}
