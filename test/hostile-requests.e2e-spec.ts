import * as net from 'node:net';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { startApp, TestApp, users } from './support/app';

/** A TCP relay in front of PostgreSQL that the test can cut and restore (a database outage). */
class DatabaseRelay {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  async up(): Promise<void> {
    this.server = net.createServer((client) => {
      const db = net.connect(5432, '127.0.0.1');
      for (const s of [client, db]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(db).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server!.address() as net.AddressInfo).port;
  }

  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('hostile requests and outages (e2e)', () => {
  const relay = new DatabaseRelay();
  let t: TestApp;
  let anna: string;

  beforeAll(async () => {
    await relay.up();
    const url = new URL(process.env.DATABASE_URL!);
    url.host = `127.0.0.1:${relay.port}`;
    t = await startApp(RecordsApiModule, { env: { DATABASE_URL: url.toString() } });
    anna = await t.token(users.caseworker32);
  });
  afterAll(async () => {
    await t.close();
    await relay.down();
  });

  it('refuses deeply nested JSON with 400 and a reason on POST /case-files and /documents/:id/filing', async () => {
    for (const path of ['/api/v1/case-files', `/api/v1/documents/${randomUUID()}/filing`]) {
      for (const body of [nested(100_000), `{"title":${nested(40)}}`]) {
        const res = await t.http().post(path).set('Authorization', `Bearer ${anna}`).set('Content-Type', 'application/json').send(body);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(/nested too deeply/);
      }
    }
    // an ordinary body still works
    await t.http().post('/api/v1/case-files').set('Authorization', `Bearer ${anna}`).send({ filePlanCode: '32.1.2', title: 'Tiefe Verschachtelung' }).expect(201);
  });

  it('believes X-Forwarded-For only from the proxies in TRUST_PROXY (default: loopback)', async () => {
    const rid = `xff-${process.pid}`;
    const cf = await t.http().post('/api/v1/case-files').set('Authorization', `Bearer ${anna}`).send({ filePlanCode: '32.1.2', title: 'Herkunft der Anfrage' }).expect(201);
    await t.http().get(`/api/v1/case-files/${cf.body.id}`).set('Authorization', `Bearer ${anna}`).set('X-Request-Id', rid).set('X-Forwarded-For', '203.0.113.9').expect(200);
    const none = await startApp(RecordsApiModule, { env: { TRUST_PROXY: 'none' }, seed: false });
    try {
      const rid2 = `xff-none-${process.pid}`;
      await none.http().get(`/api/v1/case-files/${cf.body.id}`).set('Authorization', `Bearer ${anna}`).set('X-Request-Id', rid2).set('X-Forwarded-For', '203.0.113.9').expect(200);
      const rows = await t.app.get(DataSource).query('SELECT request_id, client_ip FROM audit_events WHERE request_id = ANY($1) ORDER BY request_id', [[rid, rid2]]);
      // supertest connects over loopback: a trusted proxy by default, not trusted with TRUST_PROXY=none
      expect(rows).toEqual([
        { request_id: rid, client_ip: '203.0.113.9' },
        { request_id: rid2, client_ip: expect.stringMatching(/127\.0\.0\.1|::1/) },
      ]);
    } finally {
      await none.close();
    }
  });

  it('answers 503 with Retry-After while PostgreSQL is unreachable, and serves again when it is back', async () => {
    const list = () => t.http().get('/api/v1/case-files').set('Authorization', `Bearer ${anna}`);
    await list().expect(200);
    await relay.down();
    try {
      const answers = await Promise.all([list(), list(), t.http().post('/api/v1/case-files').set('Authorization', `Bearer ${anna}`).send({ filePlanCode: '32.1.2', title: 'Während des Ausfalls' })]);
      for (const res of answers) {
        expect({ status: res.status, body: res.body }).toMatchObject({ status: 503 });
        expect(res.headers['retry-after']).toBe('2');
        expect(res.body.error.code).toBe('ServiceUnavailable');
      }
    } finally {
      await relay.up();
    }
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await list()).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  });
});
