import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { CALL_NUMBER_SCHEMES, CallNumberScheme, IsCallNumber } from '@app/contracts';

export class AssignCallNumberDto {
  @ApiProperty({ example: 'QA76.73 .J38 S55 2010', description: 'validated for its scheme' })
  @IsString()
  @MaxLength(100)
  @IsCallNumber('scheme')
  callNumber!: string;

  @ApiProperty({ enum: CALL_NUMBER_SCHEMES })
  @IsIn(CALL_NUMBER_SCHEMES)
  scheme!: CallNumberScheme;
}
