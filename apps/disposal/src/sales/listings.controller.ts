import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Role, Roles } from '@app/auth';
import { Page } from '@app/platform';
import { uuidParam } from '../common/uuid-param';
import { WithdrawalView } from '../withdrawals/withdrawals.service';
import { DisposalsService } from './disposals.service';
import { ListingsService, ListingView } from './listings.service';
import { CreateListingDto, DisposeDto, ListListingsQuery } from './sales.dto';

const listingId = uuidParam('listing');

@ApiTags('sales')
@ApiBearerAuth()
@Controller('listings')
export class ListingsController {
  constructor(
    private readonly listings: ListingsService,
    private readonly disposals: DisposalsService,
  ) {}

  @Post()
  @Roles(Role.Technician)
  @ApiOperation({ summary: 'List a WITHDRAWN item for sale (ex-library; price from the price table when absent); the platform receives it' })
  create(@Body() body: CreateListingDto, @CurrentUser() user: AuthenticatedUser): Promise<ListingView> {
    return this.listings.create(body, user);
  }

  @Get()
  @ApiOperation({ summary: 'Listings, newest first, by branch and status' })
  list(@Query() query: ListListingsQuery, @CurrentUser() user: AuthenticatedUser): Promise<Page<ListingView>> {
    return this.listings.list(query, user);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One listing with its sale or disposal' })
  get(@Param('id', listingId) id: string, @CurrentUser() user: AuthenticatedUser): Promise<ListingView> {
    return this.listings.get(id, user);
  }

  @Post(':id/withdraw-listing')
  @HttpCode(200)
  @Roles(Role.Technician)
  @ApiOperation({ summary: 'Take an active listing down: the item is WITHDRAWN again' })
  withdraw(@Param('id', listingId) id: string, @CurrentUser() user: AuthenticatedUser): Promise<ListingView> {
    return this.listings.withdrawListing(id, user);
  }

  @Post(':id/dispose')
  @HttpCode(200)
  @Roles(Role.Technician)
  @ApiOperation({ summary: 'Donate or recycle the item of an unsold listing (DISPOSED)' })
  dispose(@Param('id', listingId) id: string, @Body() body: DisposeDto, @CurrentUser() user: AuthenticatedUser): Promise<ListingView> {
    return this.disposals.disposeListing(id, body.method, user);
  }
}

@ApiTags('withdrawals')
@ApiBearerAuth()
@Controller('withdrawals')
export class WithdrawnItemDisposalController {
  constructor(private readonly disposals: DisposalsService) {}

  @Post(':id/dispose')
  @HttpCode(200)
  @Roles(Role.Technician)
  @ApiOperation({ summary: 'Donate or recycle a withdrawn item that is not on sale (DISPOSED)' })
  dispose(@Param('id', uuidParam('withdrawal')) id: string, @Body() body: DisposeDto, @CurrentUser() user: AuthenticatedUser): Promise<WithdrawalView> {
    return this.disposals.disposeWithdrawn(id, body.method, user);
  }
}
