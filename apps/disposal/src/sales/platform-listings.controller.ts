import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthenticatedUser, CurrentUser, PartnerRoute, Role } from '@app/auth';
import { Page, PageQuery } from '@app/platform';
import { uuidParam } from '../common/uuid-param';
import { ListingsService, PlatformListingView, SaleView } from './listings.service';
import { ReportSaleDto } from './sales.dto';

const listingId = uuidParam('listing');

/** The sales platform's side: its own listings only (another platform's are not found). */
@ApiTags('sales platform')
@ApiBearerAuth()
@PartnerRoute(Role.SalesPlatform)
@Controller('platform/listings')
export class PlatformListingsController {
  constructor(private readonly listings: ListingsService) {}

  @Get()
  @ApiOperation({ summary: 'Your active listings, oldest first' })
  list(@Query() query: PageQuery, @CurrentUser() user: AuthenticatedUser): Promise<Page<PlatformListingView>> {
    return this.listings.platformList(user.partnerId!, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your listings' })
  get(@Param('id', listingId) id: string, @CurrentUser() user: AuthenticatedUser): Promise<PlatformListingView> {
    return this.listings.platformGet(id, user.partnerId!);
  }

  @Post(':id/sale')
  @ApiOperation({ summary: 'Report a sale: 201 when recorded, 200 with the recorded sale when the same orderRef is reported again' })
  async sale(
    @Param('id', listingId) id: string,
    @Body() body: ReportSaleDto,
    @CurrentUser() user: AuthenticatedUser,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<SaleView> {
    const { sale, created } = await this.listings.reportSale(id, body, user.partnerId!);
    response.status(created ? 201 : 200);
    return sale;
  }
}
