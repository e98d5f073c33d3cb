import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { BINDING_STYLE_OPTIONS, LEAF_ATTACHMENT_OPTIONS } from '../pages/vocabulary';

const values = (options: ReadonlyArray<readonly [string, string]>) => options.map(([value]) => value);

/** The scan station's "Add to a bindery lot" form; conservation checks the item and the slip again. */
export class BinderyAddition {
  @ApiProperty({ description: '`lot:<id>` for an open lot, `vendor:<id>` to open a new lot with that vendor', example: 'lot:7d3e…' })
  @Matches(/^(lot|vendor):[0-9a-f-]{36}$/i, { message: 'lot: pick an open lot or a vendor for a new lot from the list' })
  lot!: string;

  @ApiProperty({ enum: values(BINDING_STYLE_OPTIONS) })
  @IsIn(values(BINDING_STYLE_OPTIONS), { message: `bindingStyle must be one of ${values(BINDING_STYLE_OPTIONS).join(', ')}` })
  bindingStyle!: string;

  @ApiProperty({ enum: values(LEAF_ATTACHMENT_OPTIONS) })
  @IsIn(values(LEAF_ATTACHMENT_OPTIONS), { message: `leafAttachment must be one of ${values(LEAF_ATTACHMENT_OPTIONS).join(', ')}` })
  leafAttachment!: string;

  @ApiProperty({ example: 'dark blue' })
  @IsString()
  @MinLength(1, { message: 'clothColor: give the cloth colour, e.g. dark blue' })
  @MaxLength(40)
  clothColor!: string;

  @ApiProperty({ example: 'gold' })
  @IsString()
  @MinLength(1, { message: 'foilColor: give the foil colour, e.g. gold' })
  @MaxLength(40)
  foilColor!: string;

  @ApiProperty({ description: 'lines from the top of the spine down, separated by /', example: 'JOURNAL OF TESTS / V.12 / 2019' })
  @IsString()
  @Matches(/[^\s/]/, { message: 'spineLettering: give at least one line, lines separated by /' })
  @MaxLength(600)
  spineLettering!: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  instructions?: string;
}
