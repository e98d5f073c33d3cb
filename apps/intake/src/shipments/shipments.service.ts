import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import { AuthenticatedUser } from '@app/auth';
import {
  Barcode, CallNumber, isPhysical, Isbn, Issn, ItemReceived, ItemStatus, MaterialType,
} from '@app/contracts';
import { Transaction, UnitOfWork } from '@app/messaging';
import { BranchRegistry, Environment, Page, prepared, toPage } from '@app/platform';
import { IntakeItem } from '../items/intake-item.entity';
import { DoneStepView, IntakeItemView } from '../items/item-view';
import { ProcessingProfilesService } from '../processing/processing-profiles.service';
import { stepsAtReceipt } from '../processing/processing-steps';
import { ListShipmentsQuery } from './list-shipments.query';
import { ReceiveShipmentDto, ShipmentItemDto } from './receive-shipment.dto';
import { Shipment } from './shipment.entity';

/** The statement met a barcode already received (a unique violation on the item's barcode). */
function isKnownBarcode(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && driverError.constraint === 'item_barcode_key';
}

/** How many offending barcodes an error names before it summarises the rest. */
const NAMED_IN_ERRORS = 50;
/**
 * Lines per statement. PostgreSQL writes one chunk while this process builds the next, so a smaller
 * chunk starts it sooner, and each statement's work stays small. A 10,000-line shipment answered its
 * 201 in 1.9 s in chunks of 1,000 against 2.2–2.4 s in chunks of 2,500 (intake alone, one VM).
 */
const INSERT_CHUNK = 1_000;

/** One line of a shipment, normalised (identifiers in canonical form) and with its steps decided. */
type ReceivedLine = Pick<
  IntakeItemView,
  | 'id' | 'line' | 'barcode' | 'materialType' | 'title' | 'creators' | 'isbn' | 'issn' | 'publisher' | 'publicationYear'
  | 'callNumber' | 'callNumberScheme' | 'securityTag' | 'collection' | 'price' | 'currency' | 'requiredSteps' | 'pendingSteps'
> & {
  /** Steps the vendor did (as sent), and the profile's steps they count for. */
  preApplied: string[];
  doneSteps: string[];
};

export interface ReceivedItemView {
  line: number;
  id: string;
  barcode: string | null;
  materialType: MaterialType;
  title: string;
  status: ItemStatus;
  callNumber: string | null;
  requiredSteps: string[];
  doneSteps: DoneStepView[];
  pendingSteps: string[];
  awaitingCallNumber: boolean;
}

export interface ShipmentView {
  id: string;
  supplier: string;
  branch: string;
  receivedAt: string;
  receivedBy: string;
  itemCount: number;
}

export interface ShipmentReceipt extends ShipmentView {
  items: ReceivedItemView[];
}

export interface ShipmentDetail extends ShipmentView {
  summary: { processed: number; pending: number; awaitingCallNumber: number; byStatus: Partial<Record<ItemStatus, number>> };
  items: Array<{ line: number; id: string; barcode: string | null; materialType: MaterialType; title: string; status: ItemStatus; pendingSteps: string[] }>;
}

/** `4.5` → `4.50`: money leaves as it will be stored, numeric(12,2). */
export function normalisePrice(price: string): string {
  const [whole, fraction = ''] = price.split('.');
  return `${whole.replace(/^0+(?=\d)/, '')}.${fraction.padEnd(2, '0')}`;
}

/** Names the lines that share a barcode; empty when every barcode is unique in the shipment. */
export function duplicateBarcodes(lines: ReadonlyArray<{ line: number; barcode: string | null }>): string[] {
  const first = new Map<string, number>();
  const problems: string[] = [];
  for (const { line, barcode } of lines) {
    if (barcode === null) continue;
    const seen = first.get(barcode);
    if (seen === undefined) first.set(barcode, line);
    else problems.push(`items[${seen}].barcode and items[${line}].barcode: barcode ${barcode} appears twice in the shipment`);
  }
  return problems;
}

function summarise(problems: string[]): string {
  const named = problems.slice(0, NAMED_IN_ERRORS).join('; ');
  return problems.length > NAMED_IN_ERRORS ? `${named}; and ${problems.length - NAMED_IN_ERRORS} more` : named;
}

@Injectable()
export class ShipmentsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly dataSource: DataSource,
    private readonly profiles: ProcessingProfilesService,
    private readonly branches: BranchRegistry,
    private readonly env: Environment,
  ) {}

  /**
   * Records a whole shipment or nothing of it. The body was validated line by line already (400
   * naming `items[N].field`); here the shipment is checked as a whole — no barcode twice in it (400),
   * none already known (409) — then the shipment and its items (with the steps the vendor did) are
   * written with a few set-based statements, and one `intake.item.received` per item is published with them.
   */
  async receive(dto: ReceiveShipmentDto, receivedBy: string): Promise<ShipmentReceipt> {
    // Read while the lines are normalised, before the write and outside it: a transaction would not
    // make this read any more consistent.
    const stepsRead = this.profiles.stepsFor(this.dataSource.manager, dto.branch);
    stepsRead.catch(() => undefined); // awaited below, unless a line is refused first
    const lines = dto.items.map((item, line) => this.normalise(item, line));
    const duplicates = duplicateBarcodes(lines);
    if (duplicates.length) throw new BadRequestException(`${summarise(duplicates)}; nothing of the shipment was stored`);

    const shipment = Object.assign(new Shipment(), {
      id: randomUUID(),
      supplier: dto.supplier,
      branch: dto.branch,
      receivedBy,
      receivedAt: new Date(),
      itemCount: lines.length,
    });
    const steps = await stepsRead;
    for (const line of lines) {
      const split = stepsAtReceipt(steps[line.materialType], {
        hasCallNumber: line.callNumber !== null,
        securityTagged: line.securityTag !== null,
        preApplied: line.preApplied,
      });
      line.requiredSteps = [...steps[line.materialType]];
      line.doneSteps = split.done;
      line.pendingSteps = split.pending;
    }
    // Most shipments fit one statement, which needs no transaction around it; one that meets a barcode
    // already received goes the transactional way, which names every such barcode.
    const stored = lines.length <= INSERT_CHUNK && (await this.receiveInOneStatement(shipment, lines));
    if (!stored) await this.receiveInTransaction(shipment, lines);
    return { ...this.shipmentView(shipment), items: lines.map((line) => this.receivedView(shipment, line)) };
  }

  /** The shipment, its items and the events as one statement; false if a barcode is known. */
  private async receiveInOneStatement(shipment: Shipment, lines: ReceivedLine[]): Promise<boolean> {
    try {
      await this.uow.runSingleStatement(async (tx) => {
        for (const line of lines) this.publishReceived(tx, shipment, line);
        await this.writeChunk(tx, shipment, lines, { withShipment: true, knownBarcodes: 'fail' });
      });
      return true;
    } catch (error) {
      if (isKnownBarcode(error)) return false;
      throw error;
    }
  }

  private async receiveInTransaction(shipment: Shipment, lines: ReceivedLine[]): Promise<void> {
    try {
      await this.uow.run(async (tx) => {
        // One statement per chunk of lines: the shipment (with the first), the items and the chunk's
        // events. PostgreSQL writes one chunk while this process builds the next chunk's events, so on
        // a 2-core machine the two overlap. Each chunk's statement is sent when the one before it has
        // answered (one query at a time on a connection, as pg requires).
        const writes: Promise<string[]>[] = [];
        for (let start = 0; start < lines.length; start += INSERT_CHUNK) {
          const chunk = lines.slice(start, start + INSERT_CHUNK);
          for (const line of chunk) this.publishReceived(tx, shipment, line);
          const write = this.writeChunk(tx, shipment, chunk, { withShipment: start === 0, knownBarcodes: 'skip', after: writes.at(-1) });
          write.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
          writes.push(write);
          if (start + INSERT_CHUNK < lines.length) await new Promise((resolve) => setImmediate(resolve));
        }
        const inserted = new Set((await Promise.all(writes)).flat());
        // A barcode already received was skipped by the insert: name each one, store nothing.
        const known = lines.filter((line) => !inserted.has(line.id));
        if (known.length > 0) {
          const problems = known.map((line) => `items[${line.line}].barcode: ${line.barcode} is already received`);
          throw new ConflictException(`${summarise(problems)}; nothing of the shipment was stored`);
        }
      });
    } catch (error) {
      throw this.concurrentReceipt(error) ?? error;
    }
  }

  async get(id: string, user: AuthenticatedUser): Promise<ShipmentDetail> {
    const shipment = await this.dataSource.manager.findOne(Shipment, { where: { id } });
    if (!shipment || !user.canActForBranch(shipment.branch)) throw new NotFoundException(`shipment ${id} not found`);
    const items = await this.dataSource.manager.find(IntakeItem, {
      where: { shipmentId: id },
      order: { line: 'ASC' },
      select: { id: true, line: true, barcode: true, materialType: true, title: true, status: true, pendingSteps: true, callNumber: true },
    });
    const byStatus: Partial<Record<ItemStatus, number>> = {};
    for (const item of items) byStatus[item.status] = (byStatus[item.status] ?? 0) + 1;
    const pending = items.filter((item) => item.pendingSteps.length > 0).length;
    return {
      ...this.shipmentView(shipment),
      summary: {
        processed: items.length - pending,
        pending,
        awaitingCallNumber: items.filter((item) => isPhysical(item.materialType) && item.callNumber === null).length,
        byStatus,
      },
      items: items.map(({ line, id: itemId, barcode, materialType, title, status, pendingSteps }) => ({ line, id: itemId, barcode, materialType, title, status, pendingSteps })),
    };
  }

  async list(query: ListShipmentsQuery, user: AuthenticatedUser): Promise<Page<ShipmentView>> {
    const branches = this.branches.listBranches(user, query.branch);
    const qb = this.dataSource.manager.createQueryBuilder(Shipment, 'shipment');
    if (branches) qb.where('shipment.branch = ANY(:branches)', { branches });
    qb.orderBy('shipment.receivedAt', 'DESC').addOrderBy('shipment.id', 'ASC');
    const [shipments, total] = await qb.offset(query.offset).limit(query.limit).getManyAndCount();
    return toPage(shipments.map((shipment) => this.shipmentView(shipment)), query, total);
  }

  private normalise(item: ShipmentItemDto, line: number): ReceivedLine {
    const price = item.price == null ? null : normalisePrice(item.price);
    return {
      id: randomUUID(),
      line,
      barcode: item.barcode == null || !isPhysical(item.materialType) ? null : Barcode.parse(item.barcode).value,
      materialType: item.materialType,
      title: item.title,
      creators: item.creators ?? [],
      isbn: item.isbn == null ? null : Isbn.parse(item.isbn).value,
      issn: item.issn == null ? null : Issn.parse(item.issn).value,
      publisher: item.publisher ?? null,
      publicationYear: item.publicationYear ?? null,
      callNumber: item.callNumber == null ? null : CallNumber.parse(item.callNumber, item.callNumberScheme!).value,
      callNumberScheme: item.callNumber == null ? null : item.callNumberScheme!,
      securityTag: item.securityTag ?? null,
      collection: item.collection ?? null,
      price,
      currency: price === null ? null : (item.currency ?? this.env.DEFAULT_CURRENCY),
      preApplied: item.preApplied ?? [],
      requiredSteps: [],
      doneSteps: [],
      pendingSteps: [],
    };
  }

  /**
   * Writes a chunk of lines with one statement and answers the ids of the items it stored. Items go
   * in as JSON records expanded by PostgreSQL (`jsonb_to_recordset`): one parameter instead of twenty
   * per row, array columns without string encoding. A barcode already received is skipped (`skip`:
   * the caller refuses the shipment), or fails the whole statement (`fail`: nothing of it is stored,
   * for a statement that runs without a transaction). The vendor's steps go on the item row, as done
   * by whoever received the shipment; the events published so far (the chunk's) go to the outbox in
   * the same statement.
   */
  private async writeChunk(
    tx: Transaction,
    shipment: Shipment,
    lines: ReceivedLine[],
    { withShipment, knownBarcodes, after }: { withShipment: boolean; knownBarcodes: 'skip' | 'fail'; after?: Promise<unknown> },
  ): Promise<string[]> {
    const rows = lines.map((line) => ({
      id: line.id,
      barcode: line.barcode,
      line: line.line,
      material_type: line.materialType,
      title: line.title,
      creators: line.creators,
      isbn: line.isbn,
      issn: line.issn,
      publisher: line.publisher,
      publication_year: line.publicationYear,
      call_number: line.callNumber,
      call_number_scheme: line.callNumberScheme,
      security_tag: line.securityTag,
      collection: line.collection,
      price: line.price,
      currency: line.currency,
      required_steps: line.requiredSteps,
      pending_steps: line.pendingSteps,
      vendor_steps: line.doneSteps,
    }));
    const outbox = tx.takeOutgoingAsInsert(6);
    const params: unknown[] = [JSON.stringify(rows), shipment.id, shipment.branch, shipment.receivedAt, shipment.receivedBy, outbox.param];
    let shipmentStep = '';
    if (withShipment) {
      params.push(shipment.supplier, shipment.itemCount);
      shipmentStep = `shipment_row AS (
           INSERT INTO shipment (id, supplier, branch, received_by, received_at, item_count) VALUES ($2, $7, $3, $5, $4, $8)
         ),`;
    }
    await after; // built meanwhile; sent once the previous chunk's statement has answered (or failed: then not at all)
    const stored: { id: string }[] = await tx.manager.query(
      prepared(`WITH ${shipmentStep}
       items AS (
         INSERT INTO item (id, barcode, shipment_id, line, branch, material_type, title, creators, isbn, issn, publisher,
                           publication_year, call_number, call_number_scheme, security_tag, collection, price, currency,
                           required_steps, pending_steps, vendor_steps, received_by, processed_at, created_at)
         SELECT r.id, r.barcode, $2, r.line, $3, r.material_type, r.title, r.creators, r.isbn, r.issn, r.publisher,
                r.publication_year, r.call_number, r.call_number_scheme, r.security_tag, r.collection, r.price, r.currency,
                r.required_steps, r.pending_steps, r.vendor_steps, $5, CASE WHEN cardinality(r.pending_steps) = 0 THEN $4::timestamptz END, $4::timestamptz
           FROM jsonb_to_recordset($1::jsonb) AS r(
                  id uuid, barcode text, line integer, material_type text, title text, creators text[], isbn text, issn text,
                  publisher text, publication_year integer, call_number text, call_number_scheme text, security_tag text,
                  collection text, price numeric(12,2), currency text, required_steps text[], pending_steps text[], vendor_steps text[])
         ${knownBarcodes === 'skip' ? 'ON CONFLICT (barcode) DO NOTHING' : ''} RETURNING id
       ), outbox AS (
         ${outbox.sql}
       )
       SELECT id FROM items`),
      params,
    );
    return stored.map((row) => row.id);
  }

  /** An item with nothing pending is processed at receipt: `pendingSteps: []` tells cataloging so. */
  private publishReceived(tx: Transaction, shipment: Shipment, line: ReceivedLine): void {
    tx.publish(
      ItemReceived,
      {
        itemId: line.id,
        shipmentId: shipment.id,
        branch: shipment.branch,
        materialType: line.materialType,
        barcode: line.barcode,
        title: line.title,
        creators: line.creators,
        isbn: line.isbn,
        issn: line.issn,
        publisher: line.publisher,
        publicationYear: line.publicationYear,
        callNumber: line.callNumber,
        callNumberScheme: line.callNumberScheme,
        collection: line.collection,
        price: line.price,
        currency: line.currency,
        requiredSteps: line.requiredSteps,
        pendingSteps: line.pendingSteps,
        supplier: shipment.supplier,
        receivedBy: shipment.receivedBy,
      },
      { branch: shipment.branch },
    );
  }

  /** Another request received one of these barcodes between our check and our insert. */
  private concurrentReceipt(error: unknown): ConflictException | null {
    if (!isKnownBarcode(error)) return null;
    const detail = ((error as QueryFailedError).driverError as { detail?: string }).detail;
    const barcode = /\(barcode\)=\(([^)]+)\)/.exec(detail ?? '')?.[1] ?? 'of this shipment';
    return new ConflictException(`barcode ${barcode} is already received; nothing of the shipment was stored`);
  }

  private shipmentView(shipment: Shipment): ShipmentView {
    return {
      id: shipment.id,
      supplier: shipment.supplier,
      branch: shipment.branch,
      receivedAt: shipment.receivedAt.toISOString(),
      receivedBy: shipment.receivedBy,
      itemCount: shipment.itemCount,
    };
  }

  private receivedView(shipment: Shipment, line: ReceivedLine): ReceivedItemView {
    const recordedAt = shipment.receivedAt.toISOString();
    return {
      line: line.line,
      id: line.id,
      barcode: line.barcode,
      materialType: line.materialType,
      title: line.title,
      status: ItemStatus.RECEIVED,
      callNumber: line.callNumber,
      requiredSteps: line.requiredSteps,
      doneSteps: line.doneSteps.map((step) => ({ step, source: 'vendor', recordedBy: shipment.receivedBy, recordedAt })),
      pendingSteps: line.pendingSteps,
      awaitingCallNumber: isPhysical(line.materialType) && line.callNumber === null,
    };
  }
}
