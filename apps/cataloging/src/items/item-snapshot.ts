import { ItemSnapshot } from '@app/contracts';
import { BibRecord } from '../records/bib-record.entity';
import { CatalogItem } from './catalog-item.entity';

/** The item as other services' read models need it, carried on cataloging's item events. */
export function toItemSnapshot(item: CatalogItem, record: BibRecord): ItemSnapshot {
  return {
    recordId: record.id,
    title: record.title.slice(0, 500),
    creators: record.creators,
    isbn: record.isbn,
    issn: record.issn,
    publicationYear: record.publicationYear,
    materialType: item.materialType,
    collection: item.collection,
    callNumber: item.callNumber,
    callNumberScheme: item.callNumberScheme,
    shelfKey: item.shelfKey,
    checkoutCount: item.checkoutCount,
    lastCirculatedAt: item.lastCirculatedAt ? item.lastCirculatedAt.toISOString() : null,
    shelvedAt: item.shelvedAt ? item.shelvedAt.toISOString() : null,
    conditions: item.conditions as ItemSnapshot['conditions'],
  };
}
