import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUrl, Matches, MaxLength, MinLength } from 'class-validator';
import { PageQuery } from '@app/platform';
import { DELIVERY_STATUSES, DeliveryStatus } from './webhook-delivery.entity';

export class PutWebhookDto {
  @ApiProperty({ example: 'https://partner.example.com/hooks/library', maxLength: 500 })
  @IsUrl({ protocols: ['https', 'http'], require_tld: false, require_protocol: true }, { message: 'url must be an http(s) URL' })
  @MaxLength(500)
  url!: string;

  @ApiPropertyOptional({ description: 'the signing secret (32 to 200 printable characters); generated when not given. Shown in this response only.', minLength: 32, maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(32)
  @MaxLength(200)
  @Matches(/^[\x21-\x7e]+$/, { message: 'secret must be printable ASCII without spaces' })
  secret?: string;
}

export class ListDeliveriesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}
