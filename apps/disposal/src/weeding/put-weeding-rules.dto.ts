import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateIf, ValidateNested,
} from 'class-validator';
import { ITEM_CONDITIONS, ItemCondition } from '@app/contracts';
import { RANGE_SCHEMES, RangeScheme } from './weeding-rules.evaluator';

const notApplicable = (property: 'maxAgeYears' | 'maxYearsWithoutUse') => (rule: WeedingRuleDto) => rule[property] !== null;

export class WeedingRuleDto {
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Scope: the collection the rule applies to (none = every collection)', example: 'Adult Nonfiction' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  collection?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Scope: first call number of the range (LC or Dewey), inclusive', example: 'QA76' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  callNumberFrom?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Scope: last call number of the range, inclusive of everything shelved under it', example: 'QA77' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  callNumberTo?: string | null;

  @ApiPropertyOptional({ enum: RANGE_SCHEMES, nullable: true, description: 'Scheme of the range; inferred from the bounds when absent' })
  @IsOptional()
  @IsIn(RANGE_SCHEMES)
  callNumberScheme?: RangeScheme | null;

  @ApiProperty({ type: Number, nullable: true, description: 'CREW X: a candidate when published more than this many years ago; null = not applicable', example: 20 })
  @ValidateIf(notApplicable('maxAgeYears'))
  @IsInt({ message: 'maxAgeYears must be a whole number of years, or null for not applicable' })
  @Min(0)
  @Max(1000)
  maxAgeYears!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'CREW Y: a candidate when not circulated (or, never circulated, not since shelved) for more than this many years; null = not applicable', example: 5 })
  @ValidateIf(notApplicable('maxYearsWithoutUse'))
  @IsInt({ message: 'maxYearsWithoutUse must be a whole number of years, or null for not applicable' })
  @Min(0)
  @Max(1000)
  maxYearsWithoutUse!: number | null;

  @ApiProperty({ enum: ITEM_CONDITIONS, isArray: true, description: 'CREW MUSTIE: any of these recorded on an item makes it a candidate', example: ['worn', 'superseded'] })
  @IsArray()
  @ArrayUnique({ message: 'conditions must not repeat a condition' })
  @IsIn(ITEM_CONDITIONS, { each: true, message: `conditions must hold MUSTIE factors: ${ITEM_CONDITIONS.join(', ')}` })
  conditions!: ItemCondition[];

  @ApiProperty({ description: "Keep a candidate out when it is the branch's last copy of its record" })
  @IsBoolean()
  keepLastCopy!: boolean;
}

export class PutWeedingRulesDto {
  @ApiProperty({ type: [WeedingRuleDto], description: 'The branch rules, in order: the first rule that names an item is its rule' })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => WeedingRuleDto)
  rules!: WeedingRuleDto[];
}
