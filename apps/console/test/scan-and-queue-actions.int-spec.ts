import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { startConsole } from './console-app';
import { FakeService } from './fake-service';

const LOT = '7d3e9a52-8a51-4c3e-9f0e-3f1f4f1f0a01';
const VENDOR = '0b5f8f7e-2a4c-4d6b-8f8e-1c2d3e4f5a6b';
const page = <T>(data: T[]) => ({ data, page: { limit: 1000, offset: 0, total: data.length } });

/** The scan station's bindery form and the pull list's barcode filter, against stand-in services. */
describe('bindery lots from the scan station, and the pull list by barcode (integration)', () => {
  const cataloging = new FakeService();
  const conservation = new FakeService();
  const disposal = new FakeService();
  let app: INestApplication;
  let http: () => ReturnType<typeof request>;
  let cookie: string;

  beforeAll(async () => {
    const [catalogingUrl, conservationUrl, disposalUrl] = await Promise.all([cataloging.start(), conservation.start(), disposal.start()]);
    ({ app, http } = await startConsole({ CATALOGING_URL: catalogingUrl, CONSERVATION_URL: conservationUrl, DISPOSAL_URL: disposalUrl }));
    const res = await http().post('/sign-in').type('form').send({ role: 'technician', branch: 'CEN', name: 'Tess' }).expect(303);
    cookie = (res.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([cataloging.stop(), conservation.stop(), disposal.stop()]);
  });

  const slip = { bindingStyle: 'buckram', leafAttachment: 'oversew', clothColor: ' dark blue ', foilColor: 'gold', spineLettering: 'JOURNAL OF TESTS /  V.12 / / 2019 ' };

  it('adds the item to the open lot chosen, shaping the slip as conservation takes it', async () => {
    conservation.reply(`POST /bindery/shipments/${LOT}/items`, { status: 200, body: { id: LOT, lines: [{ lineNo: 1 }] } });
    const before = conservation.seen.length;
    await http().post('/console-api/items/31234000000016/bindery').set('Cookie', cookie).send({ lot: `lot:${LOT}`, ...slip }).expect(200);
    const calls = conservation.seen.slice(before);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([`POST /bindery/shipments/${LOT}/items`]);
    expect(JSON.parse(calls[0].body)).toEqual({
      items: [{ barcode: '31234000000016', bindingStyle: 'buckram', leafAttachment: 'oversew', clothColor: 'dark blue', foilColor: 'gold', spineLettering: ['JOURNAL OF TESTS', 'V.12', '2019'] }],
    });
    expect(calls[0].headers.authorization).toBe(`Bearer ${cookie.split('=')[1]}`);
  });

  it("opens a new lot with the vendor chosen for the item's own branch, then adds the item to it", async () => {
    cataloging.reply('GET /items/31234000000024', { status: 200, body: { id: 'i2', barcode: '31234000000024', branch: 'NOR' } });
    conservation.reply('POST /bindery/shipments', { status: 201, body: { id: LOT, lotNumber: 'NOR-20260101-1', lines: [] } });
    const before = conservation.seen.length;
    await http().post('/console-api/items/31234000000024/bindery').set('Cookie', cookie).send({ lot: `vendor:${VENDOR}`, ...slip, instructions: 'keep covers' }).expect(200);
    const calls = conservation.seen.slice(before);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /bindery/shipments', `POST /bindery/shipments/${LOT}/items`]);
    expect(JSON.parse(calls[0].body)).toEqual({ vendorId: VENDOR, branch: 'NOR' });
    expect(JSON.parse(calls[1].body).items[0].instructions).toBe('keep covers');
  });

  it('refuses a form without a lot or with an unknown binding style, naming the field, and calls nothing', async () => {
    const before = conservation.seen.length;
    const res = await http().post('/console-api/items/31234000000016/bindery').set('Cookie', cookie).send({ ...slip, lot: 'somewhere', bindingStyle: 'glue' }).expect(400);
    expect(res.body.message).toEqual(expect.arrayContaining(['lot: pick an open lot or a vendor for a new lot from the list', expect.stringMatching(/^bindingStyle: must be one of buckram/)]));
    expect(conservation.seen.length).toBe(before);
  });

  it("passes conservation's refusal on with what to do", async () => {
    conservation.reply(`POST /bindery/shipments/${LOT}/items`, { status: 409, body: { statusCode: 409, message: 'items[0]: item 31234000000016 is AVAILABLE; only an item AWAITING_BINDERY can go into a bindery lot' } });
    const res = await http().post('/console-api/items/31234000000016/bindery').set('Cookie', cookie).send({ lot: `lot:${LOT}`, ...slip }).expect(409);
    expect(res.body.message).toMatch(/only an item AWAITING_BINDERY/);
    expect(res.body.whatToDo).toBeTruthy();
  });

  describe('the pull list', () => {
    beforeAll(() => {
      conservation.reply('GET /pull-list', {
        status: 200,
        body: page([
          { id: 'p-1', barcode: '31234000000016', callNumber: { value: 'QA76 .J38', scheme: 'lc' }, location: 'Adult', title: 'Java', reason: 'repair', damage: 'torn-pages', note: null },
          { id: 'p-2', barcode: '31234000000024', callNumber: { value: 'PS3545 .I345', scheme: 'lc' }, location: 'Poetry', title: 'Poems', reason: 'binding', damage: null, note: null },
        ]),
      });
      disposal.reply('GET /pull-list', {
        status: 200,
        body: page([{ candidateId: 'c-1', barcode: '31234000000032', title: 'Old Atlas', location: 'Ref', callNumber: 'G1021 .A7', callNumberScheme: 'lc', reasons: ['age'] }]),
      });
    });

    const rowsOf = (text: string) => [...text.matchAll(/<td class="mono">(\d+)<\/td>/g)].map((m) => m[1]);

    it('shows every pull of the branch in shelf order, with a barcode box', async () => {
      const res = await http().get('/queues/pulls?branch=CEN').set('Cookie', cookie).expect(200);
      expect(rowsOf(res.text)).toEqual(['31234000000032', '31234000000024', '31234000000016']);
      expect(res.text).toContain('<label for="pull-barcode">Barcode</label>');
    });

    it('narrows it to the scanned barcode, keeping the branch, with the way back to the whole list', async () => {
      const res = await http().get('/queues/pulls?branch=CEN&barcode=%2031234000000024%20').set('Cookie', cookie).expect(200);
      expect(rowsOf(res.text)).toEqual(['31234000000024']);
      expect(res.text).toContain('value="31234000000024"');
      expect(res.text).toContain('href="/queues/pulls?branch=CEN">Show the whole list</a>');
      const weeding = await http().get('/queues/pulls?branch=CEN&barcode=31234000000032').set('Cookie', cookie).expect(200);
      expect(rowsOf(weeding.text)).toEqual(['31234000000032']);
    });

    it('says when the item is not on the pull list', async () => {
      const res = await http().get('/queues/pulls?branch=CEN&barcode=31234000000040').set('Cookie', cookie).expect(200);
      expect(rowsOf(res.text)).toEqual([]);
      expect(res.text).toContain('Item 31234000000040 is not on the pull list.');
    });
  });
});
