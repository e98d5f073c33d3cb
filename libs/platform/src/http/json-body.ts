import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/** How far past the limit a declared body is still read (and dropped) so that its 413 reaches the client. */
const DRAINED_PAST_LIMIT = 4;

export function bodyTooLargeMessage(limitBytes?: number): string {
  return `body: larger than the ${limitBytes ?? 'configured'} byte limit; split it into smaller requests`;
}

/**
 * The services take JSON bodies only, as Express's strict JSON parser did before them:
 * - an object or an array at the top; a bare string, number or null is a malformed body (400 naming it);
 * - an empty body is an empty object, so the validation names the fields that are missing;
 * - `__proto__` and `constructor` keys stay ordinary keys, which the validation refuses by name
 *   (`__proto__: unknown field`) rather than as unreadable JSON;
 * - other content types are refused with 415.
 * A body declared larger than the limit is read and dropped before its 413 goes out (up to a few times
 * the limit): a server that answers and closes while the client is still sending resets the
 * connection, and the client loses the answer.
 */
export function acceptJsonBodies(fastify: FastifyInstance, limitBytes: number): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: limitBytes }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, {});
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return done(new BadRequestException(`body: malformed JSON (${(error as Error).message}); send a JSON object`), undefined);
    }
    if (parsed === null || typeof parsed !== 'object') {
      return done(new BadRequestException(`body: malformed JSON: expected an object, got ${parsed === null ? 'null' : `a ${typeof parsed}`}`), undefined);
    }
    done(null, parsed);
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    const declared = Number(request.headers['content-length']);
    if (!(declared > limitBytes) || declared > DRAINED_PAST_LIMIT * limitBytes) return done();
    const answer = () => void reply.code(413).send({ statusCode: 413, error: 'Payload Too Large', message: bodyTooLargeMessage(limitBytes) });
    request.raw.on('end', answer);
    request.raw.on('error', () => undefined);
    request.raw.resume();
  });
}
