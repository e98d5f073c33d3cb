import { Module } from '@nestjs/common';
import { RevenueReportController } from './revenue-report.controller';
import { RevenueReportService } from './revenue-report.service';

/** Revenue reports for librarians, per branch and period. */
@Module({
  controllers: [RevenueReportController],
  providers: [RevenueReportService],
})
export class ReportsModule {}
