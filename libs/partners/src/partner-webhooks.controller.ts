import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, PipeTransform, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthenticatedUser, CurrentUser, Role, Roles } from '@app/auth';
import { Page } from '@app/platform';
import { PARTNER_ID_PATTERN } from './partner-channels';
import { ListDeliveriesQuery, PutWebhookDto } from './partner-webhooks.dto';
import { PartnerWebhooksService } from './partner-webhooks.service';
import { DeliveryView, RegisteredWebhookView, WebhookView } from './partner-webhooks.views';

/** `:partnerId` is a lower-case partner id; anything else is a 400 naming it. */
class PartnerIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!PARTNER_ID_PATTERN.test(value)) throw new BadRequestException(`partnerId: must be a lower-case partner id of 2 to 64 letters, digits and dashes, not "${value}"`);
    return value;
  }
}

/**
 * Webhooks for partners that cannot read AMQP: the same route in every service that sends partner
 * events (conservation: bindery vendors; disposal: sales platforms). Admin only.
 */
@ApiTags('partner webhooks')
@ApiBearerAuth()
@Roles(Role.Admin)
@Controller('partners/:partnerId')
export class PartnerWebhooksController {
  constructor(private readonly webhooks: PartnerWebhooksService) {}

  @Put('webhook')
  @ApiOperation({ summary: "Register or replace the partner's webhook (201 when new, 200 when replaced); the signing secret is shown in this answer only" })
  @ApiOkResponse({ type: RegisteredWebhookView })
  async put(
    @Param('partnerId', PartnerIdPipe) partnerId: string,
    @Body() body: PutWebhookDto,
    @CurrentUser() user: AuthenticatedUser,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<RegisteredWebhookView> {
    const { webhook, created } = await this.webhooks.register(partnerId, body, user.id);
    response.status(created ? 201 : 200);
    return webhook;
  }

  @Get('webhook')
  @ApiOperation({ summary: "The partner's webhook (without its secret) and how many deliveries are pending, delivered, failed" })
  @ApiOkResponse({ type: WebhookView })
  get(@Param('partnerId', PartnerIdPipe) partnerId: string): Promise<WebhookView> {
    return this.webhooks.get(partnerId);
  }

  @Delete('webhook')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop webhook delivery to the partner; its pending deliveries are given up (failed)' })
  @ApiNoContentResponse()
  remove(@Param('partnerId', PartnerIdPipe) partnerId: string): Promise<void> {
    return this.webhooks.remove(partnerId);
  }

  @Get('deliveries')
  @ApiOperation({ summary: "The partner's webhook deliveries, newest first, each with its attempts (time, HTTP status or error)" })
  deliveries(@Param('partnerId', PartnerIdPipe) partnerId: string, @Query() query: ListDeliveriesQuery): Promise<Page<DeliveryView>> {
    return this.webhooks.deliveries(partnerId, query);
  }
}
