import {
  EventDefinition, ItemListed, ItemListedData, ListingWithdrawn, ListingWithdrawnData, ShipmentDispatched, ShipmentDispatchedData,
} from '@app/contracts';

/** Lower-case letters, digits and dashes: a partner id becomes part of queue names and routing keys. */
export const PARTNER_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,63}$/;

/**
 * What one kind of partner receives on `library.partners`: an event contract under a routing key
 * that carries the partner's id (`bindery.{partnerId}.shipment.dispatched`). The services publish
 * through these definitions and the AsyncAPI document is generated from them, so the two agree.
 */
export interface PartnerChannel<TData extends object = object> {
  /** The routing key with a `{partnerId}` placeholder, as AsyncAPI writes channel addresses. */
  address: string;
  event: EventDefinition<TData>;
  /** The partner role that reads it (its own queue `partner.<partnerId>`, or its webhook). */
  audience: 'bindery-vendor' | 'sales-platform';
  description: string;
}

function partnerChannel<TData extends object>(channel: PartnerChannel<TData>): PartnerChannel<TData> {
  if (!channel.address.includes('{partnerId}')) throw new Error(`partner channel ${channel.address} needs a {partnerId} placeholder`);
  return channel;
}

export const BinderyShipmentDispatchedChannel = partnerChannel<ShipmentDispatchedData>({
  address: 'bindery.{partnerId}.shipment.dispatched',
  event: ShipmentDispatched,
  audience: 'bindery-vendor',
  description: "A lot left for the bindery: the vendor's copy of the full manifest with every binding slip.",
});

export const SalesItemListedChannel = partnerChannel<ItemListedData>({
  address: 'sales.{partnerId}.item.listed',
  event: ItemListed,
  audience: 'sales-platform',
  description: 'A withdrawn item is offered for sale on the platform: the listing to publish.',
});

export const SalesListingWithdrawnChannel = partnerChannel<ListingWithdrawnData>({
  address: 'sales.{partnerId}.listing.withdrawn',
  event: ListingWithdrawn,
  audience: 'sales-platform',
  description: 'A listing was taken down (withdrawn by staff, or the item was disposed of): remove it from sale.',
});

export const PARTNER_CHANNELS: readonly PartnerChannel[] = Object.freeze([
  BinderyShipmentDispatchedChannel,
  SalesItemListedChannel,
  SalesListingWithdrawnChannel,
] as PartnerChannel[]);

/** The concrete routing key for one partner: `bindery.acme-bindery.shipment.dispatched`. */
export function partnerRoutingKey(channel: PartnerChannel, partnerId: string): string {
  if (!PARTNER_ID_PATTERN.test(partnerId)) throw new Error(`partner id ${JSON.stringify(partnerId)} is not a lower-case id`);
  return channel.address.replace('{partnerId}', partnerId);
}
