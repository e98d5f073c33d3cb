import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsKnownBranch, PageQuery } from '@app/platform';

export class StartWeedingRunDto {
  @ApiProperty({ example: 'CEN' })
  @IsKnownBranch()
  branch!: string;
}

export class BranchListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Defaults to every branch the caller works for' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  branch?: string;
}
