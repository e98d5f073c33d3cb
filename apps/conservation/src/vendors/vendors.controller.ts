import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Role, Roles } from '@app/auth';
import { Page, PageQuery } from '@app/platform';
import { CreateVendorDto } from './create-vendor.dto';
import { CreatedVendorView, VendorView } from './vendor.view';
import { VendorsService } from './vendors.service';

@ApiTags('vendors')
@ApiBearerAuth()
@Roles(Role.Admin)
@Controller('vendors')
export class VendorsController {
  constructor(private readonly vendors: VendorsService) {}

  @Post()
  @ApiOperation({ summary: 'Register a bindery vendor and declare its own partner queue; with a webhookUrl, also its webhook (the signing secret is in this answer only)' })
  @ApiCreatedResponse({ type: CreatedVendorView })
  create(@Body() body: CreateVendorDto, @CurrentUser() user: AuthenticatedUser): Promise<CreatedVendorView> {
    return this.vendors.create(body, user.id);
  }

  @Get()
  @ApiOperation({ summary: 'Bindery vendors, by name' })
  list(@Query() query: PageQuery): Promise<Page<VendorView>> {
    return this.vendors.list(query);
  }
}
