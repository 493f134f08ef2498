import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defineRequest } from '#contracts';
import { NoServiceError, OnRequest, RemoteError, ExpectedError, RequestTimeoutError, InvalidMessageError } from '#messaging';
import { TestBus } from '#testing';
import { Controller, Module } from '@nestjs/common';
import { z } from 'zod';

const EchoV1 = defineRequest('probe.echo.v1', z.object({ text: z.string().max(100) }), z.object({ text: z.string(), by: z.string() }));
const FailV1 = defineRequest('probe.fail.v1', z.object({ kind: z.enum(['expected', 'crash', 'coded-crash', 'bad-response']) }), z.object({ ok: z.boolean() }));
const SlowV1 = defineRequest('probe.slow.v1', z.object({ ms: z.number() }), z.object({ done: z.boolean() }));

@Controller()
class ProbeOwner {
  @OnRequest(EchoV1)
  async echo(request: { text: string }): Promise<{ text: string; by: string }> {
    return { text: request.text.toUpperCase(), by: 'probe' };
  }

  @OnRequest(FailV1)
  async fail(request: { kind: string }): Promise<unknown> {
    if (request.kind === 'expected') throw new ExpectedError('not-found', 'article 42 does not exist');
    if (request.kind === 'crash') throw new Error('secret internal detail');
    if (request.kind === 'coded-crash') throw Object.assign(new Error("Duplicate entry 'secret' for key"), { code: 'ER_DUP_ENTRY' });
    return { ok: 'yes' };
  }

  @OnRequest(SlowV1)
  async slow(request: { ms: number }): Promise<{ done: boolean }> {
    await new Promise((resolve) => setTimeout(resolve, request.ms));
    return { done: true };
  }
}

@Module({ controllers: [ProbeOwner] })
class ProbeOwnerModule {}

describe('request/reply on core NATS', () => {
  let bus: TestBus;
  before(async () => {
    bus = await TestBus.create();
    await bus.startApp(ProbeOwnerModule, 'probe-owner');
  });
  after(async () => {
    await bus.close();
  });

  it('answers a validated request', async () => {
    assert.deepEqual(await bus.requests.request(EchoV1, { text: 'hi' }), { text: 'HI', by: 'probe' });
  });

  it('passes an expected failure to the caller with its code', async () => {
    await assert.rejects(bus.requests.request(FailV1, { kind: 'expected' }), (error: Error) => {
      assert.ok(error instanceof RemoteError);
      assert.equal(error.code, 'not-found');
      assert.match(error.message, /article 42 does not exist/);
      return true;
    });
  });

  it('hides internal errors and refuses responses that break the contract', async () => {
    await assert.rejects(bus.requests.request(FailV1, { kind: 'crash' }), (error: Error) => {
      assert.ok(error instanceof RemoteError);
      assert.equal(error.code, 'internal');
      assert.doesNotMatch(error.message, /secret/);
      return true;
    });
    // A driver error carries a `code` too; only a ExpectedError's code reaches the caller.
    await assert.rejects(bus.requests.request(FailV1, { kind: 'coded-crash' }), (error: Error) => {
      assert.ok(error instanceof RemoteError);
      assert.equal(error.code, 'internal');
      assert.doesNotMatch(error.message, /secret|ER_DUP/);
      return true;
    });
    await assert.rejects(bus.requests.request(FailV1, { kind: 'bad-response' }), /does not match its contract/);
  });

  it('rejects an invalid request before sending it, and the owner rejects one that bypasses the client', async () => {
    await assert.rejects(bus.requests.request(EchoV1, { text: 'x'.repeat(101) }), InvalidMessageError);
    const reply = await bus.nc.request(bus.ns.subject('probe.echo.v1'), '{"text": 5}', { timeout: 2000 });
    const body = reply.json<{ ok: boolean; error: { code: string; message: string } }>();
    assert.equal(body.ok, false);
    assert.equal(body.error.code, 'bad-request');
    assert.match(body.error.message, /text/);
  });

  it('times out with a clear error', async () => {
    await assert.rejects(bus.requests.request(SlowV1, { ms: 500 }, { timeoutMs: 100 }), (error: Error) => {
      assert.ok(error instanceof RequestTimeoutError, String(error));
      assert.match(error.message, /No reply on probe\.slow\.v1 within 100 ms/);
      return true;
    });
  });

  it('says when nobody serves a subject', async () => {
    const Nobody = defineRequest('nobody.home.v1', z.object({}), z.object({}));
    await assert.rejects(bus.requests.request(Nobody, {}), (error: Error) => {
      assert.ok(error instanceof NoServiceError, String(error));
      assert.match(error.message, /Nobody serves nobody\.home\.v1/);
      return true;
    });
  });
});
