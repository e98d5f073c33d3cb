import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DELIVERY_STATUSES, DeliveryStatus } from './webhook-delivery.entity';

export class WebhookCountsView {
  @ApiProperty() pending!: number;
  @ApiProperty() delivered!: number;
  @ApiProperty() failed!: number;
}

export class WebhookView {
  @ApiProperty() partnerId!: string;
  @ApiProperty() url!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty() updatedBy!: string;
  @ApiProperty({ type: WebhookCountsView }) deliveries!: WebhookCountsView;
}

/** The answer to registering a webhook: the only time the secret is shown. */
export class RegisteredWebhookView extends WebhookView {
  @ApiProperty({ description: 'the HMAC-SHA256 signing secret; store it now, it is never shown again' }) secret!: string;
}

export class DeliveryAttemptView {
  @ApiProperty() attempt!: number;
  @ApiProperty() at!: string;
  @ApiProperty() durationMs!: number;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'the receiver\'s HTTP status, when it answered' }) httpStatus!: number | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'why the attempt failed (status and start of the answer, network error, timeout)' }) error!: string | null;
}

export class DeliveryView {
  @ApiProperty() id!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty() routingKey!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: DeliveryStatus;
  @ApiProperty() attemptCount!: number;
  @ApiProperty({ type: [DeliveryAttemptView] }) attempts!: DeliveryAttemptView[];
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'when a pending delivery is tried next' }) nextAttemptAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'when it was delivered or given up' }) completedAt!: string | null;
}
