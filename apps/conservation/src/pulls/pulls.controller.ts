import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Role, Roles } from '@app/auth';
import { Page } from '@app/platform';
import { idParam } from '../common/id-param';
import { CreatePullRequestDto } from './create-pull-request.dto';
import { PullListQuery } from './pull-list.query';
import { PullListEntryView, PullRequestView } from './pull-request.view';
import { PullsService } from './pulls.service';

const pullRequestId = idParam('pull request');

@ApiTags('pulls')
@ApiBearerAuth()
@Controller()
export class PullsController {
  constructor(private readonly pulls: PullsService) {}

  @Post('pull-requests')
  @Roles(Role.Technician)
  @ApiOperation({ summary: 'Ask for an item on the shelf (AVAILABLE or SHELF_READY) to be pulled for repair or binding' })
  @ApiCreatedResponse({ type: PullRequestView })
  request(@Body() body: CreatePullRequestDto, @CurrentUser() user: AuthenticatedUser): Promise<PullRequestView> {
    return this.pulls.request(body, user);
  }

  @Get('pull-list')
  @ApiOperation({ summary: "A branch's open pull requests in shelf order (call-number order), with location and call number" })
  pullList(@Query() query: PullListQuery, @CurrentUser() user: AuthenticatedUser): Promise<Page<PullListEntryView>> {
    return this.pulls.pullList(query, user);
  }

  @Get('pull-requests/:id')
  @ApiOperation({ summary: 'One pull request' })
  @ApiOkResponse({ type: PullRequestView })
  get(@Param('id', pullRequestId) id: string, @CurrentUser() user: AuthenticatedUser): Promise<PullRequestView> {
    return this.pulls.get(id, user);
  }

  @Post('pull-requests/:id/pulled')
  @HttpCode(200)
  @Roles(Role.Technician)
  @ApiOperation({ summary: 'The item is off the shelf: IN_REPAIR (a repair work order opens) or AWAITING_BINDERY' })
  @ApiOkResponse({ type: PullRequestView })
  pulled(@Param('id', pullRequestId) id: string, @CurrentUser() user: AuthenticatedUser): Promise<PullRequestView> {
    return this.pulls.markPulled(id, user);
  }

  @Post('pull-requests/:id/not-found')
  @HttpCode(200)
  @Roles(Role.Technician)
  @ApiOperation({ summary: 'The item was not on the shelf: it becomes MISSING' })
  @ApiOkResponse({ type: PullRequestView })
  notFound(@Param('id', pullRequestId) id: string, @CurrentUser() user: AuthenticatedUser): Promise<PullRequestView> {
    return this.pulls.markNotFound(id, user);
  }

  @Post('pull-requests/:id/cancel')
  @HttpCode(200)
  @Roles(Role.Technician)
  @ApiOperation({ summary: 'Withdraw an open pull request' })
  @ApiOkResponse({ type: PullRequestView })
  cancel(@Param('id', pullRequestId) id: string, @CurrentUser() user: AuthenticatedUser): Promise<PullRequestView> {
    return this.pulls.cancel(id, user);
  }
}
