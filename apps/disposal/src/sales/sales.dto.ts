import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { DISPOSAL_METHODS, DisposalMethod, IsLibraryBarcode, SALE_CONDITIONS, SaleCondition } from '@app/contracts';
import { PageQuery } from '@app/platform';
import { MONEY_INPUT } from '../common/money';
import { LISTING_STATUSES, ListingStatus } from './listing.entity';

const PARTNER_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
const CURRENCY = /^[A-Z]{3}$/;
const moneyMessage = (field: string) => `${field} must be a decimal string such as 4.50`;

export class CreateListingDto {
  @ApiProperty({ example: '31234000000017' })
  @IsLibraryBarcode()
  barcode!: string;

  @ApiProperty({ enum: SALE_CONDITIONS, description: 'Condition grade; poor items cannot be listed (donate or recycle them)' })
  @IsIn(SALE_CONDITIONS, { message: `condition must be one of ${SALE_CONDITIONS.join(', ')}; a poor item cannot be listed (donate or recycle it)` })
  condition!: SaleCondition;

  @ApiPropertyOptional({ description: "Asking price; the branch's price table gives it when absent", example: '4.50' })
  @IsOptional()
  @IsString()
  @Matches(MONEY_INPUT, { message: moneyMessage('price') })
  price?: string;

  @ApiPropertyOptional({ description: "The sales platform's partner id; the configured platform when absent", example: 'sales-platform' })
  @IsOptional()
  @Matches(PARTNER_ID, { message: 'channel must be a sales platform partner id (lower-case letters, digits and dashes)' })
  channel?: string;
}

export class ListListingsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Defaults to every branch the caller works for' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  branch?: string;

  @ApiPropertyOptional({ enum: LISTING_STATUSES })
  @IsOptional()
  @IsIn(LISTING_STATUSES)
  status?: ListingStatus;
}

export class ReportSaleDto {
  @ApiProperty({ example: '5.25' })
  @IsString()
  @Matches(MONEY_INPUT, { message: moneyMessage('price') })
  price!: string;

  @ApiProperty({ example: 'USD' })
  @Matches(CURRENCY, { message: 'currency must be an ISO 4217 code such as USD' })
  currency!: string;

  @ApiProperty({ description: "The platform's order reference: reporting it again changes nothing", example: 'ORD-2025-0001' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  orderRef!: string;

  @ApiProperty({ example: '2025-03-14T10:00:00Z' })
  @IsISO8601({ strict: true })
  soldAt!: string;
}

export class DisposeDto {
  @ApiProperty({ enum: DISPOSAL_METHODS })
  @IsIn(DISPOSAL_METHODS, { message: `method must be one of ${DISPOSAL_METHODS.join(', ')}` })
  method!: DisposalMethod;
}

export class ConditionPricesDto {
  @ApiPropertyOptional({ example: '8.00' })
  @IsOptional()
  @Matches(MONEY_INPUT, { message: moneyMessage('like-new') })
  'like-new'?: string;

  @ApiPropertyOptional({ example: '6.00' })
  @IsOptional()
  @Matches(MONEY_INPUT, { message: moneyMessage('very-good') })
  'very-good'?: string;

  @ApiPropertyOptional({ example: '4.00' })
  @IsOptional()
  @Matches(MONEY_INPUT, { message: moneyMessage('good') })
  good?: string;

  @ApiPropertyOptional({ example: '2.00' })
  @IsOptional()
  @Matches(MONEY_INPUT, { message: moneyMessage('acceptable') })
  acceptable?: string;
}

export class PutPriceTableDto {
  @ApiProperty({ type: ConditionPricesDto, description: 'Asking price per condition; a condition left out keeps the default price' })
  @IsObject({ message: 'prices must be an object of condition grade to price, e.g. { "good": "4.00" }' })
  @ValidateNested()
  @Type(() => ConditionPricesDto)
  prices!: ConditionPricesDto;

  @ApiPropertyOptional({ description: "Currency of the prices; the deployment's default when absent", example: 'USD' })
  @IsOptional()
  @Matches(CURRENCY, { message: 'currency must be an ISO 4217 code such as USD' })
  currency?: string;
}
