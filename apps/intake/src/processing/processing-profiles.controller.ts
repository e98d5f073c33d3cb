import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Role, Roles } from '@app/auth';
import { Page, toPage } from '@app/platform';
import { ProcessingProfilesService, ProcessingProfileView } from './processing-profiles.service';
import { ListProfilesQuery, PutProcessingProfileDto } from './put-processing-profile.dto';

@ApiTags('processing profiles')
@ApiBearerAuth()
@Controller('processing-profiles')
export class ProcessingProfilesController {
  constructor(private readonly profiles: ProcessingProfilesService) {}

  @Get()
  @ApiOperation({ summary: 'The effective processing profile of every material type, per branch' })
  async list(@Query() query: ListProfilesQuery, @CurrentUser() user: AuthenticatedUser): Promise<Page<ProcessingProfileView>> {
    const all = await this.profiles.list(user, query.branch);
    return toPage(all.slice(query.offset, query.offset + query.limit), query, all.length);
  }

  @Put(':branch/:materialType')
  @Roles(Role.Librarian)
  @ApiOperation({ summary: "Set a branch's required steps for a material type (applies to items received afterwards)" })
  put(
    @Param('branch') branch: string,
    @Param('materialType') materialType: string,
    @Body() body: PutProcessingProfileDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ProcessingProfileView> {
    return this.profiles.put(branch, materialType, body.steps, user);
  }
}
