import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { REPAIR_OUTCOMES, RepairOutcome } from '@app/contracts';
import { MAJOR_TREATMENTS, TREATMENTS, Treatment } from './repair.entity';

export class CompleteRepairDto {
  @ApiProperty({ enum: TREATMENTS, description: `${MAJOR_TREATMENTS.join(', ')} are major repairs and need a senior-technician` })
  @IsIn(TREATMENTS)
  treatment!: Treatment;

  @ApiPropertyOptional({ description: 'labour in minutes', minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  minutes?: number | null;

  @ApiProperty({ enum: REPAIR_OUTCOMES, description: 'repaired: back to the shelf; bindery: to a bindery lot; condemned: withdrawn as damaged' })
  @IsIn(REPAIR_OUTCOMES)
  outcome!: RepairOutcome;

  @ApiPropertyOptional({ maxLength: 500, description: 'why; for a condemned item, the reason disposal records' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string | null;
}
