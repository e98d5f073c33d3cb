import { HttpException, Injectable } from '@nestjs/common';
import { ConsoleSession } from '../session/console-session';
import { ServiceClient, ServiceError } from '../upstream/service-client';
import { ReceiveShipmentDto } from './receive.dto';
import { toShipmentItem } from './shipment-columns';
import { mapShipmentErrors } from './shipment-errors';

/**
 * Sends a shipment to intake as the signed-in technician. When intake refuses it (nothing is stored),
 * its messages come back mapped to the lines and fields they are about.
 */
@Injectable()
export class ReceiveService {
  constructor(private readonly services: ServiceClient) {}

  async receive(body: ReceiveShipmentDto, session: ConsoleSession): Promise<unknown> {
    const shipment = { supplier: body.supplier.trim(), branch: body.branch, items: body.lines.map(toShipmentItem) };
    try {
      return await this.services.call('intake', 'POST', '/shipments', session.token, shipment);
    } catch (error) {
      if (!(error instanceof ServiceError) || (error.status !== 400 && error.status !== 409)) throw error;
      throw new HttpException(
        {
          statusCode: error.status,
          error: error.status === 400 ? 'Bad Request' : 'Conflict',
          message: error.messages,
          whatToDo: 'Nothing was received. Correct the lines marked below and send the shipment again.',
          problems: mapShipmentErrors(error.messages),
        },
        error.status,
      );
    }
  }
}
