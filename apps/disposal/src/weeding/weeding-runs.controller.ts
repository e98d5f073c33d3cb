import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Role, Roles } from '@app/auth';
import { Page } from '@app/platform';
import { uuidParam } from '../common/uuid-param';
import { BranchListQuery, StartWeedingRunDto } from './weeding-runs.dto';
import { CandidateView, PullListEntry, RunSummary, RunView, WeedingRunsService } from './weeding-runs.service';

@ApiTags('weeding')
@ApiBearerAuth()
@Controller('weeding-runs')
export class WeedingRunsController {
  constructor(private readonly runs: WeedingRunsService) {}

  @Post()
  @Roles(Role.Librarian)
  @ApiOperation({ summary: "Evaluate the branch's rules against its AVAILABLE items: the run with its candidates and their reasons" })
  start(@Body() body: StartWeedingRunDto, @CurrentUser() user: AuthenticatedUser): Promise<RunView> {
    return this.runs.start(body.branch, user);
  }

  @Get()
  @ApiOperation({ summary: 'Weeding runs, newest first, with counts of candidates by status' })
  list(@Query() query: BranchListQuery, @CurrentUser() user: AuthenticatedUser): Promise<Page<RunSummary>> {
    return this.runs.list(query, user);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One run with its candidates in shelf order' })
  get(@Param('id', uuidParam('weeding run')) id: string, @CurrentUser() user: AuthenticatedUser): Promise<RunView> {
    return this.runs.get(id, user);
  }
}

const candidateId = uuidParam('weeding candidate');

@ApiTags('weeding')
@ApiBearerAuth()
@Controller('weeding-candidates')
export class WeedingCandidatesController {
  constructor(private readonly runs: WeedingRunsService) {}

  @Post(':id/approve')
  @HttpCode(200)
  @Roles(Role.Librarian)
  @ApiOperation({ summary: 'Approve a proposed candidate: it goes on the pull list' })
  approve(@Param('id', candidateId) id: string, @CurrentUser() user: AuthenticatedUser): Promise<CandidateView> {
    return this.runs.decide(id, 'approved', user);
  }

  @Post(':id/keep')
  @HttpCode(200)
  @Roles(Role.Librarian)
  @ApiOperation({ summary: 'Keep a proposed candidate in the collection' })
  keep(@Param('id', candidateId) id: string, @CurrentUser() user: AuthenticatedUser): Promise<CandidateView> {
    return this.runs.decide(id, 'kept', user);
  }

  @Post(':id/pulled')
  @HttpCode(200)
  @Roles(Role.Technician)
  @ApiOperation({ summary: 'The approved item is off the shelf: withdraw it as weeded (publishes disposal.item.withdrawn)' })
  pulled(@Param('id', candidateId) id: string, @CurrentUser() user: AuthenticatedUser): Promise<CandidateView> {
    return this.runs.pulled(id, user);
  }

  @Post(':id/not-found')
  @HttpCode(200)
  @Roles(Role.Technician)
  @ApiOperation({ summary: 'The approved item is not on the shelf: it becomes MISSING (publishes disposal.item.not-found)' })
  notFound(@Param('id', candidateId) id: string, @CurrentUser() user: AuthenticatedUser): Promise<CandidateView> {
    return this.runs.notFound(id, user);
  }
}

@ApiTags('weeding')
@ApiBearerAuth()
@Controller('pull-list')
export class PullListController {
  constructor(private readonly runs: WeedingRunsService) {}

  @Get()
  @ApiOperation({ summary: 'Approved weeding candidates still on the shelf, in shelf order, with location and call number' })
  list(@Query() query: BranchListQuery, @CurrentUser() user: AuthenticatedUser): Promise<Page<PullListEntry>> {
    return this.runs.pullList(query, user);
  }
}
