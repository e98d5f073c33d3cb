import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Role, Roles } from '@app/auth';
import { PutWeedingRulesDto } from './put-weeding-rules.dto';
import { WeedingRulesService, WeedingRulesView } from './weeding-rules.service';

@ApiTags('weeding')
@ApiBearerAuth()
@Controller('weeding-rules')
export class WeedingRulesController {
  constructor(private readonly rules: WeedingRulesService) {}

  @Put(':branch')
  @Roles(Role.Librarian)
  @ApiOperation({ summary: "Replace a branch's weeding rules (CREW X/Y/MUSTIE per collection or call-number range)" })
  put(@Param('branch') branch: string, @Body() body: PutWeedingRulesDto, @CurrentUser() user: AuthenticatedUser): Promise<WeedingRulesView> {
    return this.rules.put(branch, body, user);
  }

  @Get(':branch')
  @ApiOperation({ summary: "A branch's weeding rules (empty when none are set)" })
  get(@Param('branch') branch: string, @CurrentUser() user: AuthenticatedUser): Promise<WeedingRulesView> {
    return this.rules.get(branch, user);
  }
}
