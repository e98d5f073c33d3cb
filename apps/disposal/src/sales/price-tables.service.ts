import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import { SALE_CONDITIONS, SaleCondition } from '@app/contracts';
import { BranchRegistry, Environment } from '@app/platform';
import { normaliseMoney } from '../common/money';
import { PriceTable } from './price-table.entity';
import { PutPriceTableDto } from './sales.dto';

/** Asking prices when a branch has set none: typical used-book prices by grade. */
export const DEFAULT_PRICES: Readonly<Record<SaleCondition, string>> = { 'like-new': '8.00', 'very-good': '6.00', good: '4.00', acceptable: '2.00' };

export interface PriceTableView {
  branch: string;
  currency: string;
  prices: Record<SaleCondition, string>;
  /** False while the branch uses the defaults. */
  custom: boolean;
  updatedBy: string | null;
  updatedAt: string | null;
}

@Injectable()
export class PriceTablesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly branches: BranchRegistry,
    private readonly env: Environment,
  ) {}

  async put(branch: string, dto: PutPriceTableDto, user: AuthenticatedUser): Promise<PriceTableView> {
    this.branches.actingBranch(user, branch);
    const prices = { ...DEFAULT_PRICES };
    for (const condition of SALE_CONDITIONS) {
      const given = dto.prices[condition];
      if (given !== undefined) prices[condition] = normaliseMoney(given);
    }
    const table = Object.assign(new PriceTable(), { branch, prices, currency: dto.currency ?? this.env.DEFAULT_CURRENCY, updatedBy: user.id, updatedAt: new Date() });
    await this.dataSource.manager.save(PriceTable, table);
    return this.view(branch, table);
  }

  async get(branch: string, user: AuthenticatedUser): Promise<PriceTableView> {
    this.branches.actingBranch(user, branch);
    return this.view(branch, await this.dataSource.manager.findOne(PriceTable, { where: { branch } }));
  }

  /** The asking price and currency of a grade in a branch: its table, else the defaults in the deployment's currency. */
  async priceFor(manager: EntityManager, branch: string, condition: SaleCondition): Promise<{ price: string; currency: string }> {
    const table = await manager.findOne(PriceTable, { where: { branch } });
    return { price: table?.prices[condition] ?? DEFAULT_PRICES[condition], currency: table?.currency ?? this.env.DEFAULT_CURRENCY };
  }

  private view(branch: string, table: PriceTable | null): PriceTableView {
    return {
      branch,
      currency: table?.currency ?? this.env.DEFAULT_CURRENCY,
      prices: { ...DEFAULT_PRICES, ...(table?.prices ?? {}) },
      custom: table !== null,
      updatedBy: table?.updatedBy ?? null,
      updatedAt: table?.updatedAt.toISOString() ?? null,
    };
  }
}
