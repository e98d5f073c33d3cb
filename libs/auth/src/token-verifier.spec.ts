import { Controller, Get, INestApplication, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { AuthModule } from './auth.module';
import { mintDevelopmentToken } from './development-token';
import { Roles } from './roles.decorator';
import { TokenVerifier } from './token-verifier';

const ISSUER = 'https://idp.test.example';
const AUDIENCE = 'library-technical-services';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** A stand-in for the identity provider: publishes a JWKS on 127.0.0.1 and signs tokens with RS256. */
class TestIdentityProvider {
  private server!: Server;
  private keys!: KeyPair;
  readonly kid = 'test-key-1';
  jwksUrl = '';

  async start(): Promise<void> {
    this.keys = await generateKeyPair('RS256');
    const publicJwk: JWK = { ...(await exportJWK(this.keys.publicKey)), kid: this.kid, alg: 'RS256', use: 'sig' };
    this.server = createServer((req, res) => {
      if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.jwksUrl = `http://127.0.0.1:${port}/.well-known/jwks.json`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  sign(
    claims: Record<string, unknown>,
    { key = this.keys.privateKey, kid = this.kid, issuer = ISSUER, audience = AUDIENCE, expiresIn = '5m' } = {},
  ): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject('idp-user-42')
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(key);
  }
}

const staff = { roles: ['technician'], branches: ['CEN'], name: 'Tess Tech' };

describe('TokenVerifier in jwks mode', () => {
  const idp = new TestIdentityProvider();
  let verifier: TokenVerifier;

  beforeAll(async () => {
    await idp.start();
    verifier = new TokenVerifier({ mode: 'jwks', jwksUrl: idp.jwksUrl, issuer: ISSUER, audience: AUDIENCE });
  });

  afterAll(() => idp.stop());

  const rejection = async (token: string) => {
    const error = await verifier.verify(token).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UnauthorizedException);
    return (error as UnauthorizedException).message;
  };

  it('accepts a token signed by the identity provider and reads the user from it', async () => {
    const user = await verifier.verify(await idp.sign(staff));
    expect(user).toMatchObject({ id: 'idp-user-42', name: 'Tess Tech', roles: ['technician'], branches: ['CEN'] });
  });

  it('rejects a token signed with a key the identity provider never published', async () => {
    const stranger = await generateKeyPair('RS256');
    expect(await rejection(await idp.sign(staff, { key: stranger.privateKey }))).toBe('invalid token signature');
  });

  it('rejects a token whose key id the identity provider does not know', async () => {
    const stranger = await generateKeyPair('RS256');
    expect(await rejection(await idp.sign(staff, { key: stranger.privateKey, kid: 'unknown-key' }))).toMatch(
      /^invalid token signature: no signing key/,
    );
  });

  it('remembers a verified token, but not past its expiry', async () => {
    const token = await idp.sign(staff, { expiresIn: '30s' }); // sooner than the cache would forget it
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toBe(first); // the same caller, without checking the signature again
    // Only the clock is faked (45 s on: the token has expired); timers and I/O run as usual.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'queueMicrotask'] });
    try {
      jest.setSystemTime(Date.now() + 45_000);
      await expect(verifier.verify(token)).rejects.toThrow('token expired');
    } finally {
      jest.useRealTimers();
    }
  });

  it('rejects an expired token', async () => {
    expect(await rejection(await idp.sign(staff, { expiresIn: '-10m' }))).toBe('token expired');
  });

  it('rejects a token from another issuer', async () => {
    expect(await rejection(await idp.sign(staff, { issuer: 'https://evil.example' }))).toBe('token issuer not accepted');
  });

  it('rejects a token meant for another audience', async () => {
    expect(await rejection(await idp.sign(staff, { audience: 'another-app' }))).toBe('token audience not accepted');
  });

  it('rejects an HS256 development token, so a shared secret cannot stand in for the identity provider', async () => {
    const development = await mintDevelopmentToken({ sub: 'dev', ...staff }, undefined, '1h', { issuer: ISSUER, audience: AUDIENCE });
    expect(await rejection(development)).toBe('token signing algorithm not accepted');
  });

  it('rejects a malformed token', async () => {
    expect(await rejection('a.b.c')).toBe('malformed token');
  });

  it('answers 503, not 401, when the identity provider keys cannot be fetched', async () => {
    const unreachable = new TokenVerifier({ mode: 'jwks', jwksUrl: 'http://127.0.0.1:1/jwks.json' });
    await expect(unreachable.verify(await idp.sign(staff))).rejects.toBeInstanceOf(ServiceUnavailableException);
  });
});

@Controller()
class StepsController {
  @Roles('technician')
  @Get('steps')
  steps() {
    return { ok: true };
  }
}

describe('AuthModule in jwks mode over HTTP', () => {
  const idp = new TestIdentityProvider();
  let app: INestApplication;

  beforeAll(async () => {
    await idp.start();
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ mode: 'jwks', jwksUrl: idp.jwksUrl, issuer: ISSUER, audience: AUDIENCE })],
      controllers: [StepsController],
    }).compile();
    app = await servedOnFastify(moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false }));
  });

  afterAll(async () => {
    await app.close();
    await idp.stop();
  });

  it('admits a technician whose token the identity provider signed', async () => {
    const token = await idp.sign(staff);
    await request(app.getHttpServer()).get('/steps').set('Authorization', `Bearer ${token}`).expect(200, { ok: true });
  });

  it('refuses a token signed with another key with 401 and the reason', async () => {
    const stranger = await generateKeyPair('RS256');
    const token = await idp.sign(staff, { key: stranger.privateKey });
    const res = await request(app.getHttpServer()).get('/steps').set('Authorization', `Bearer ${token}`).expect(401);
    expect(res.body.message).toBe('invalid token signature');
  });

  it('refuses a cataloger on a technician route with 403', async () => {
    const token = await idp.sign({ roles: ['cataloger'], branches: ['CEN'] });
    await request(app.getHttpServer()).get('/steps').set('Authorization', `Bearer ${token}`).expect(403);
  });
});

/** Initialised and ready to take requests, on the HTTP server the services run on. */
async function servedOnFastify(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
