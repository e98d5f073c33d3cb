import { Module } from '@nestjs/common';
import { ItemCondemnedHandler } from './item-condemned.handler';
import { WithdrawalsController } from './withdrawals.controller';
import { WithdrawalsService } from './withdrawals.service';

/** Items leaving the collection: by a librarian, a weeding pull, or a condemned repair. */
@Module({
  controllers: [WithdrawalsController],
  providers: [WithdrawalsService, ItemCondemnedHandler],
  exports: [WithdrawalsService],
})
export class WithdrawalsModule {}
