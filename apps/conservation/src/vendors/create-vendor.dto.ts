import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min } from 'class-validator';

/** Lower-case letters, digits and dashes: it becomes part of queue names and routing keys. */
export const PARTNER_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,63}$/;

export class CreateVendorDto {
  @ApiProperty({ maxLength: 200, example: 'Acme Bookbinding' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'acme-bindery', description: 'lower-case id; names the vendor queue and its routing keys bindery.<partnerId>.#' })
  @IsString()
  @Matches(PARTNER_ID_PATTERN, { message: 'partnerId must be a lower-case id of 2 to 64 letters, digits and dashes, e.g. acme-bindery' })
  partnerId!: string;

  @ApiProperty({ description: 'calendar days from dispatch to the expected return', example: 35 })
  @IsInt()
  @Min(1)
  @Max(365)
  turnaroundDays!: number;

  @ApiPropertyOptional({ example: 'https://bindery.example.com/hooks/library', description: 'registers a webhook with a generated signing secret (see PUT /partners/{partnerId}/webhook)' })
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_tld: false, require_protocol: true }, { message: 'webhookUrl must be an http(s) URL' })
  @MaxLength(500)
  webhookUrl?: string | null;
}
