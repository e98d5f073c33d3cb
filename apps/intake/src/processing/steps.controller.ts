import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Role, Roles } from '@app/auth';
import { IntakeItemView } from '../items/item-view';
import { RecordCartStepDto, RecordStepDto } from './record-step.dto';
import { StepResult, StepsService } from './steps.service';

@ApiTags('processing steps')
@ApiBearerAuth()
@Roles(Role.Technician)
@Controller()
export class StepsController {
  constructor(private readonly steps: StepsService) {}

  @Post('items/:barcode/steps')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record one processing step done on one item' })
  recordOne(@Param('barcode') barcode: string, @Body() body: RecordStepDto, @CurrentUser() user: AuthenticatedUser): Promise<IntakeItemView> {
    return this.steps.recordOne(barcode, body.step, user);
  }

  @Post('steps')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record one step for a cart of items; answered per item' })
  async recordCart(@Body() body: RecordCartStepDto, @CurrentUser() user: AuthenticatedUser): Promise<{ results: StepResult[] }> {
    return { results: await this.steps.recordCart(body.barcodes, body.step, user) };
  }
}
