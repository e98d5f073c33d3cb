import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PROCESSING_STEP_PATTERN, STANDARD_PROCESSING_STEPS } from '@app/contracts';
import { PageQuery } from '@app/platform';

export class PutProcessingProfileDto {
  @ApiProperty({
    type: [String],
    description: `The ordered required steps, out of ${STANDARD_PROCESSING_STEPS.join(', ')} or the library's own (lower-case, dashes)`,
    example: ['spine-label', 'cover', 'security-tag', 'stamp'],
  })
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique({ message: 'steps must not repeat a step' })
  @Matches(PROCESSING_STEP_PATTERN, { each: true, message: 'steps must hold step names such as cover or stamp (lower-case letters, digits and dashes)' })
  steps!: string[];
}

export class ListProfilesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Defaults to every branch the caller works for' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  branch?: string;
}
