import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthenticatedUser, CurrentUser, Role, Roles } from '@app/auth';
import { RevenueReportQuery } from './revenue-report.query';
import { RevenueReport, revenueReportCsv, RevenueReportService } from './revenue-report.service';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class RevenueReportController {
  constructor(private readonly reports: RevenueReportService) {}

  @Get('revenue')
  @Roles(Role.Librarian)
  @ApiProduces('application/json', 'text/csv')
  @ApiOperation({ summary: 'Items sold and gross revenue by channel and month, per currency, with totals (Accept: text/csv for CSV)' })
  async revenue(
    @Query() query: RevenueReportQuery,
    @CurrentUser() user: AuthenticatedUser,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<RevenueReport | string> {
    const report = await this.reports.report(query, user);
    if (!accept?.includes('text/csv')) return report;
    void response.header('Content-Type', 'text/csv; charset=utf-8');
    void response.header('Content-Disposition', 'attachment; filename="revenue.csv"');
    return revenueReportCsv(report);
  }
}
