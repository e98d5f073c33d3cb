import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsString, MaxLength } from 'class-validator';

export class ParseCsvDto {
  @ApiProperty({ description: 'the CSV file as text (header row, then one row per item)' })
  @IsString()
  @MaxLength(20_000_000)
  csv!: string;
}

export class ReceiveShipmentDto {
  @ApiProperty({ example: 'Midwest Library Service' })
  @IsString()
  supplier!: string;

  @ApiProperty({ example: 'CEN' })
  @IsString()
  branch!: string;

  @ApiProperty({ description: 'lines as text cells by column key (see the documented columns)', type: 'array', items: { type: 'object' } })
  @IsArray()
  @ArrayMinSize(1, { message: 'lines: add at least one line (upload a CSV or add a line by hand)' })
  @ArrayMaxSize(20_000)
  @IsObject({ each: true })
  lines!: Array<Record<string, string>>;
}
