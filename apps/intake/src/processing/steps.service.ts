import { BadRequestException, ConflictException, HttpException, Injectable, NotFoundException } from '@nestjs/common';
import { AuthenticatedUser } from '@app/auth';
import { ItemProcessed } from '@app/contracts';
import { Transaction, UnitOfWork } from '@app/messaging';
import { ItemRef, parseItemRef } from '@app/platform';
import { IntakeItem } from '../items/intake-item.entity';
import { IntakeItemView, itemLabel } from '../items/item-view';
import { ItemsService } from '../items/items.service';
import { stepRefusal } from './processing-steps';

export type StepResult =
  | { barcode: string; ok: true; item: IntakeItemView }
  | { barcode: string; ok: false; status: number; error: string };

function refusalException(status: number, message: string): HttpException {
  if (status === 404) return new NotFoundException(message);
  if (status === 409) return new ConflictException(message);
  return new BadRequestException(message);
}

type Entry = { entry: string; ref: ItemRef } | { entry: string; refusal: { status: number; message: string } };

@Injectable()
export class StepsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly items: ItemsService,
  ) {}

  /** Records one step on one item; refusals become the HTTP error they describe. */
  async recordOne(barcode: string, step: string, user: AuthenticatedUser): Promise<IntakeItemView> {
    parseItemRef(barcode); // a malformed barcode in the path is the request's fault: 400 as it is
    const [result] = await this.recordCart([barcode], step, user);
    if (!result.ok) throw refusalException(result.status, result.error);
    return result.item;
  }

  /**
   * Records `step` on every item of a cart in one transaction: the items are loaded (and locked) with
   * one query, the accepted ones updated with one statement and their step rows inserted with
   * another. An item that cannot take the step is answered on its own line and holds up no other.
   * Items whose last pending step this was are processed: `intake.item.processed` goes to cataloging.
   */
  async recordCart(entries: string[], step: string, user: AuthenticatedUser): Promise<StepResult[]> {
    const parsed: Entry[] = entries.map((entry) => {
      try {
        return { entry, ref: parseItemRef(entry) };
      } catch (error) {
        if (error instanceof BadRequestException) return { entry, refusal: { status: 400, message: error.message } };
        throw error;
      }
    });

    return this.uow.run(async (tx) => {
      const found = await this.items.lockForSteps(tx.manager, parsed.flatMap((p) => ('ref' in p ? [p.ref] : [])));
      const byId = new Map(found.map((item) => [item.id, item]));
      const byBarcode = new Map(found.flatMap((item) => (item.barcode ? [[item.barcode, item] as const] : [])));

      const accepted: IntakeItem[] = [];
      const outcomes = parsed.map((p): { entry: string; item: IntakeItem } | { entry: string; status: number; error: string } => {
        if ('refusal' in p) return { entry: p.entry, status: p.refusal.status, error: p.refusal.message };
        const item = p.ref.kind === 'id' ? byId.get(p.ref.id) : byBarcode.get(p.ref.barcode);
        if (!item || !user.canActForBranch(item.branch)) return { entry: p.entry, status: 404, error: `item ${p.entry} not found` };
        const refusal = stepRefusal({ ...item, label: itemLabel(item) }, step);
        if (refusal) return { entry: p.entry, status: refusal.status, error: refusal.message };
        // Applied in memory first, so the same item twice in one cart is "already recorded" the second time.
        item.pendingSteps = item.pendingSteps.filter((pending) => pending !== step);
        accepted.push(item);
        return { entry: p.entry, item };
      });

      const views = await this.apply(tx, accepted, step, user);
      return outcomes.map((o): StepResult => ('item' in o ? { barcode: o.entry, ok: true, item: views.get(o.item.id)! } : { barcode: o.entry, ok: false, status: o.status, error: o.error }));
    });
  }

  private async apply(tx: Transaction, items: IntakeItem[], step: string, user: AuthenticatedUser): Promise<Map<string, IntakeItemView>> {
    if (items.length === 0) return new Map();
    const at = new Date();
    const ids = items.map((item) => item.id);
    await tx.manager.query(
      `UPDATE item SET pending_steps = array_remove(pending_steps, $1),
              processed_at = CASE WHEN pending_steps = ARRAY[$1]::text[] THEN $3::timestamptz ELSE processed_at END
        WHERE id = ANY($2::uuid[])`,
      [step, ids, at],
    );
    await tx.manager.query(
      `INSERT INTO processing_step (item_id, step, recorded_by, recorded_at)
       SELECT id, $2, $3, $4 FROM unnest($1::uuid[]) AS id`,
      [ids, step, user.id, at],
    );
    for (const item of items) {
      if (item.pendingSteps.length > 0) continue;
      item.processedAt = at;
      tx.publish(
        ItemProcessed,
        { itemId: item.id, barcode: item.barcode, branch: item.branch, completedSteps: item.requiredSteps, completedBy: user.id },
        { branch: item.branch },
      );
    }
    const views = await this.items.views(tx.manager, items);
    return new Map(views.map((view) => [view.id, view]));
  }
}
