import { Controller, ExecutionContext, Get, INestApplication, Param } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { SignJWT } from 'jose';
import request from 'supertest';
import { AuthModule } from './auth.module';
import { AuthenticatedUser } from './authenticated-user';
import { CurrentUser } from './current-user.decorator';
import { mintDevelopmentToken } from './development-token';
import { JwtAuthGuard } from './jwt-auth.guard';
import { Public } from './public.decorator';
import { PartnerRoute, Roles } from './roles.decorator';

const SECRET = 'test-secret-for-the-auth-guard-spec';

@Controller()
class ProbeController {
  @Public()
  @Get('health')
  health() {
    return { status: 'ok' };
  }

  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser) {
    return { id: user.id, roles: user.roles, branches: user.branchFilter() };
  }

  @Roles('technician')
  @Get('steps')
  steps() {
    return { ok: 'technician' };
  }

  @Roles('senior-technician')
  @Get('major-repairs')
  majorRepairs() {
    return { ok: 'senior' };
  }

  @PartnerRoute('bindery-vendor')
  @Get('vendor/shipments')
  vendorShipments(@CurrentUser() user: AuthenticatedUser) {
    return { partnerId: user.partnerId };
  }

  @Roles('technician')
  @Get('branches/:code/items')
  branchItems(@Param('code') code: string, @CurrentUser() user: AuthenticatedUser) {
    user.assertBranch(code);
    return { branch: code };
  }
}

// A controller-wide @Roles that one handler overrides, as a repairs controller would.
@Roles('librarian')
@Controller('profiles')
class ProfilesController {
  @Get()
  list() {
    return [];
  }

  @Roles('technician')
  @Get('mine')
  mine() {
    return [];
  }
}

const token = (roles: string[], branches: string[] = ['CEN'], extra: Record<string, unknown> = {}) =>
  mintDevelopmentToken({ sub: `user-${roles.join('+')}`, roles, branches, ...extra }, SECRET);
const partnerToken = (role: string, partnerId = 'acme') => mintDevelopmentToken({ sub: partnerId, roles: [role], partnerId }, SECRET);

describe('JwtAuthGuard over HTTP (hs256 mode)', () => {
  let app: INestApplication;
  const get = (path: string, bearer?: string) => {
    const call = request(app.getHttpServer()).get(path);
    return bearer === undefined ? call : call.set('Authorization', `Bearer ${bearer}`);
  };

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ mode: 'hs256', secret: SECRET })],
      controllers: [ProbeController, ProfilesController],
    }).compile();
    app = await servedOnFastify(moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false }));
  });

  afterAll(() => app.close());

  describe('without a valid token', () => {
    it('answers a public route anonymously', async () => {
      await get('/health').expect(200, { status: 'ok' });
    });

    it('refuses a business route without a token, saying the bearer token is missing', async () => {
      const res = await get('/me').expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, message: 'missing bearer token' });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it('refuses an authorization header that is not a bearer token', async () => {
      const res = await request(app.getHttpServer()).get('/me').set('Authorization', 'Basic dXNlcjpwYXNz').expect(401);
      expect(res.body.message).toMatch(/malformed authorization header/);
    });

    it('refuses a malformed token', async () => {
      const res = await get('/me', 'not-a-jwt').expect(401);
      expect(res.body.message).toBe('malformed token');
      expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token", error_description="malformed token"');
    });

    it('refuses an expired token, saying it expired', async () => {
      const expired = await mintDevelopmentToken({ sub: 'late', roles: ['technician'], branches: ['CEN'] }, SECRET, '-1h');
      const res = await get('/me', expired).expect(401);
      expect(res.body.message).toBe('token expired');
    });

    it('refuses a token signed with another key, saying the signature is invalid', async () => {
      const forged = await mintDevelopmentToken({ sub: 'eve', roles: ['admin'], branches: ['*'] }, 'someone-elses-secret');
      const res = await get('/me', forged).expect(401);
      expect(res.body.message).toBe('invalid token signature');
    });

    it('refuses a token that never expires', async () => {
      const forever = await new SignJWT({ roles: ['technician'], branches: ['CEN'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('forever')
        .sign(new TextEncoder().encode(SECRET));
      const res = await get('/me', forever).expect(401);
      expect(res.body.message).toBe('invalid token: missing exp claim');
    });

    it('refuses a correctly signed token whose claims describe no usable user', async () => {
      const noRoles = await mintDevelopmentToken({ sub: 'nobody', roles: ['wiki-editor'] }, SECRET);
      const res = await get('/me', noRoles).expect(401);
      expect(res.body.message).toBe('invalid token claims: token carries no role of this system');
    });
  });

  describe('routes without @Roles', () => {
    it.each(['technician', 'senior-technician', 'cataloger', 'librarian', 'admin'])('admit staff with the role %s', async (role) => {
      await get('/me', await token([role])).expect(200);
    });

    it('hand the handler the caller with its branches', async () => {
      const res = await get('/me', await token(['cataloger'], ['CEN', 'NOR'])).expect(200);
      expect(res.body).toEqual({ id: 'user-cataloger', roles: ['cataloger'], branches: ['CEN', 'NOR'] });
    });

    it('refuse partners, because they are for library staff', async () => {
      const res = await get('/me', await partnerToken('bindery-vendor')).expect(403);
      expect(res.body.message).toMatch(/for library staff/);
    });
  });

  describe('@Roles routes', () => {
    it('admit a technician to a technician route', async () => {
      await get('/steps', await token(['technician'])).expect(200, { ok: 'technician' });
    });

    it.each(['senior-technician', 'librarian', 'admin'])('admit the role %s to a technician route through the hierarchy', async (role) => {
      await get('/steps', await token([role])).expect(200);
    });

    it('refuse a cataloger on a technician route with a 403 naming the required role', async () => {
      const res = await get('/steps', await token(['cataloger'])).expect(403);
      expect(res.body).toMatchObject({ statusCode: 403, message: 'this route requires role technician' });
    });

    it('refuse a technician on a senior-technician route', async () => {
      const res = await get('/major-repairs', await token(['technician'])).expect(403);
      expect(res.body.message).toBe('this route requires role senior-technician');
    });

    it('admit a senior technician and a librarian to a senior-technician route', async () => {
      await get('/major-repairs', await token(['senior-technician'])).expect(200, { ok: 'senior' });
      await get('/major-repairs', await token(['librarian'])).expect(200);
    });

    it('let a handler override the controller: technicians reach one handler of a librarian controller', async () => {
      await get('/profiles', await token(['technician'])).expect(403);
      await get('/profiles', await token(['librarian'])).expect(200);
      await get('/profiles/mine', await token(['technician'])).expect(200);
    });
  });

  describe('partner routes', () => {
    it('admit the bindery vendor and hand the handler its partner id', async () => {
      await get('/vendor/shipments', await partnerToken('bindery-vendor', 'acme')).expect(200, { partnerId: 'acme' });
    });

    it('refuse the sales platform on a bindery route', async () => {
      const res = await get('/vendor/shipments', await partnerToken('sales-platform')).expect(403);
      expect(res.body.message).toBe('this route requires role bindery-vendor');
    });

    it('refuse staff, even an admin, on a partner route', async () => {
      await get('/vendor/shipments', await token(['admin'], ['*'])).expect(403);
    });
  });

  describe('branch-scoped routes', () => {
    it('admit a technician to their own branch', async () => {
      await get('/branches/CEN/items', await token(['technician'], ['CEN'])).expect(200, { branch: 'CEN' });
    });

    it('refuse a technician in another branch with a 403 naming that branch', async () => {
      const res = await get('/branches/NOR/items', await token(['technician'], ['CEN'])).expect(403);
      expect(res.body.message).toBe('you may not act for branch NOR');
    });

    it('admit anyone whose token says * to every branch', async () => {
      await get('/branches/NOR/items', await token(['technician'], ['*'])).expect(200);
    });

    it('admit an admin to every branch', async () => {
      await get('/branches/NOR/items', await token(['admin'], [])).expect(200);
    });
  });
});

describe('JwtAuthGuard outside HTTP', () => {
  it('lets message handlers through, because the broker authenticates those', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AuthModule.forRoot({ mode: 'hs256', secret: SECRET })] }).compile();
    const rpcContext = { getType: () => 'rpc' } as unknown as ExecutionContext;
    await expect(moduleRef.get(JwtAuthGuard).canActivate(rpcContext)).resolves.toBe(true);
  });
});

describe('AuthModule configuration', () => {
  it('fails at boot when hs256 mode has no secret', async () => {
    const building = Test.createTestingModule({ imports: [AuthModule.forRoot({ mode: 'hs256' })] }).compile();
    await expect(building).rejects.toThrow(/needs a secret/);
  });

  it('fails at boot when jwks mode has no URL', async () => {
    const building = Test.createTestingModule({ imports: [AuthModule.forRoot({ mode: 'jwks' })] }).compile();
    await expect(building).rejects.toThrow(/needs a jwksUrl/);
  });

  it('takes its options from a factory for services with validated configuration', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRootAsync({ useFactory: async () => ({ mode: 'hs256', secret: SECRET }) })],
      controllers: [ProbeController],
    }).compile();
    const app = await servedOnFastify(moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false }));
    try {
      await request(app.getHttpServer()).get('/steps').expect(401);
      await request(app.getHttpServer()).get('/steps').set('Authorization', `Bearer ${await token(['technician'])}`).expect(200);
    } finally {
      await app.close();
    }
  });
});

/** Initialised and ready to take requests, on the HTTP server the services run on. */
async function servedOnFastify(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
