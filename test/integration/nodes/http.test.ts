// The http node through the engine, against a local server: JSON and text bodies, query and
// headers, statuses that fail the step (and the retryable ones retried), the request's own
// time limit, cancelling mid-request, redirects, the body cap, and the private-network guard
// on the resolved address (`localhost` is 127.0.0.1 here).
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait.ts';
import { useNodeServer } from './harness.ts';
import { startTarget, useTarget } from './target.ts';

const http = (config: Record<string, unknown>, extra = '') => `  - id: call\n    type: http\n    with: ${JSON.stringify(config)}\n${extra}`;

describe('http node', () => {
  const target = useTarget();
  const nodes = useNodeServer();
  const served = (path: string) => target.received.filter((r) => r.path.startsWith(path));

  it('GETs JSON: status, lower-cased headers, parsed body and a summary line', async () => {
    const run = await nodes.run(http({ url: `${target.url}/json` }));
    expect(run.status).toBe('completed');
    const call = nodes.step(run, 'call');
    expect(call.output).toMatchObject({ status: 200, body: { hello: 'world' }, truncated: false, url: `${target.url}/json` });
    expect((call.output as { headers: Record<string, string> }).headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'x-served-by': 'Target' });
    expect(call.summary).toMatch(new RegExp(`^GET ${target.url}/json → 200 \\(\\d+ ms\\)$`));
    expect(await nodes.log(run.id, 'call')).toContain(`GET ${target.url}/json → 200`);
  });

  it('POSTs a JSON body with query parameters and headers', async () => {
    const run = await nodes.run(http({ method: 'POST', url: `${target.url}/echo?a=1`, query: { b: 'two words', n: 3 }, headers: { 'X-Token': 't0k' }, body: { plan: 'p1', items: [1, 2] } }));
    const echoed = nodes.step(run, 'call').output as { body: { method: string; query: object; headers: Record<string, string>; body: string } };
    expect(echoed.body).toMatchObject({ method: 'POST', query: { a: '1', b: 'two words', n: '3' } });
    expect(echoed.body.headers).toMatchObject({ 'content-type': 'application/json', 'x-token': 't0k', 'user-agent': 'Switchyard' });
    expect(JSON.parse(echoed.body.body)).toEqual({ plan: 'p1', items: [1, 2] });
  });

  it('sends a text body as is and returns a text answer as a string', async () => {
    const run = await nodes.run(http({ method: 'PUT', url: `${target.url}/echo`, body: 'raw text', body_type: 'text' }) + http({ url: `${target.url}/text` }).replace('id: call', 'id: read'));
    const echoed = nodes.step(run, 'call').output as { body: { headers: Record<string, string>; body: string } };
    expect(echoed.body.body).toBe('raw text');
    expect(echoed.body.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(nodes.step(run, 'read').output).toMatchObject({ status: 200, body: 'just words' });
  });

  it('fails the step on an unexpected status, saying what came back', async () => {
    const run = await nodes.run(http({ url: `${target.url}/status/404` }));
    expect(run.status).toBe('failed');
    expect(nodes.step(run, 'call').error).toMatchObject({ code: 'HTTP_STATUS', message: `GET ${target.url}/status/404 answered 404, expected 2xx`, retryable: false, details: { status: 404 } });
    const strict = await nodes.run(http({ url: `${target.url}/status/201`, expect_status: [200, 204] }));
    expect(nodes.step(strict, 'call').error).toMatchObject({ code: 'HTTP_STATUS', message: `GET ${target.url}/status/201 answered 201, expected 200, 204` });
  });

  it('retries a 503 under the step retry policy, then succeeds', async () => {
    const run = await nodes.run(http({ url: `${target.url}/flaky/retry` }, '    retry: { attempts: 3, initial: 10ms }\n'));
    expect(run.status).toBe('completed');
    expect(nodes.step(run, 'call')).toMatchObject({ status: 'completed', attempt: 2 });
    expect(served('/flaky/retry')).toHaveLength(2);
    const log = await nodes.log(run.id, 'call');
    expect(log).toContain('→ 503');
    expect(log).toContain('→ 200');
    // The failure counted against the host's circuit breaker.
    expect(await nodes.fx.api.breakers.list.query()).toContainEqual(expect.objectContaining({ target: `http:127.0.0.1:${target.port}`, state: 'closed' }));
  });

  it('gives up after its own timeout with a retryable error', async () => {
    const run = await nodes.run(http({ url: `${target.url}/hang/timeout`, timeout: '300ms' }));
    expect(nodes.step(run, 'call').error).toMatchObject({ code: 'HTTP_TIMEOUT', message: `GET ${target.url}/hang/timeout got no complete answer within 300 ms`, retryable: true });
    await waitFor(() => served('/hang/timeout')[0]?.closedEarly, { what: 'the target to see the request dropped' });
  });

  it('aborts the request when the run is cancelled', async () => {
    const runId = await nodes.start(http({ url: `${target.url}/hang/cancel` }));
    await waitFor(() => served('/hang/cancel').length > 0, { what: 'the request to arrive' });
    await nodes.fx.api.runs.cancel.mutate({ runId, reason: 'test' });
    await nodes.fx.server.app.context.runs.waitFor(runId);
    expect((await nodes.get(runId)).status).toBe('cancelled');
    await waitFor(() => served('/hang/cancel')[0]?.closedEarly, { what: 'the target to see the request dropped' });
  });

  it('follows redirects (a 302 after a POST becomes a GET), stops after five, and returns the redirect when a 3xx is expected', async () => {
    const run = await nodes.run(http({ method: 'POST', url: `${target.url}/redirect?to=/echo`, body: { a: 1 } }));
    expect(nodes.step(run, 'call').output).toMatchObject({ status: 200, url: `${target.url}/echo`, body: { method: 'GET', body: '' } });
    const kept = await nodes.run(http({ url: `${target.url}/redirect?to=/json`, expect_status: [302] }));
    expect(nodes.step(kept, 'call').output).toMatchObject({ status: 302, headers: { location: '/json' } });
    const endless = await nodes.run(http({ url: `${target.url}/loop` }));
    expect(nodes.step(endless, 'call').error).toMatchObject({ code: 'HTTP_REDIRECT', message: expect.stringContaining('redirected more than 5 times'), retryable: false });
  });

  it('keeps credentials on a same-origin redirect and drops them when it leaves the origin', async () => {
    const via = (to: string) => http({ url: `${target.url}/redirect?to=${encodeURIComponent(to)}`, headers: { Authorization: 'Bearer t0k', 'X-Kept': 'yes' } });
    const same = await nodes.run(via('/echo'));
    expect((nodes.step(same, 'call').output as { body: { headers: object } }).body.headers).toMatchObject({ authorization: 'Bearer t0k', 'x-kept': 'yes' });
    const other = await nodes.run(via(`http://localhost:${target.port}/echo`));
    const headers = (nodes.step(other, 'call').output as { body: { headers: object } }).body.headers;
    expect(headers).toMatchObject({ 'x-kept': 'yes' });
    expect(headers).not.toHaveProperty('authorization');
  });

  it('keeps the first 256 KiB of a large body and says it was cut', async () => {
    const run = await nodes.run(http({ url: `${target.url}/big` }));
    const out = nodes.step(run, 'call').output as { body: string; truncated: boolean };
    expect(out.truncated).toBe(true);
    expect(out.body).toHaveLength(256 * 1024);
  });

  it('refuses a bad URL without retrying', async () => {
    const run = await nodes.run(http({ url: 'not a url' }, '    retry: { attempts: 3, initial: 10ms }\n'));
    expect(nodes.step(run, 'call')).toMatchObject({ attempt: 1, error: { code: 'HTTP_BAD_URL', retryable: false } });
    const ftp = await nodes.run(http({ url: 'ftp://example.test/x' }));
    expect(nodes.step(ftp, 'call').error).toMatchObject({ code: 'HTTP_BAD_URL', message: 'GET ftp://example.test/x: only http and https URLs can be called, not ftp:' });
  });

  it('reports a refused connection as retryable', async () => {
    const closed = await startTarget();
    await closed.stop();
    const run = await nodes.run(http({ url: `${closed.url}/json` }));
    expect(nodes.step(run, 'call').error).toMatchObject({ code: 'HTTP_CONNECTION', message: expect.stringContaining('connection was refused'), retryable: true });
  });

  it('refuses private addresses reached through a name when allow_private is false, and reaches them when true', async () => {
    const before = target.received.length;
    const name = `http://localhost:${target.port}`;
    const refused = await nodes.run(http({ url: `${name}/json?guarded`, allow_private: false }));
    expect(nodes.step(refused, 'call').error).toMatchObject({
      code: 'HTTP_PRIVATE_ADDRESS', retryable: false,
      message: `GET ${name}/json?guarded refused: localhost is 127.0.0.1, a loopback address; the step says allow_private: false`,
    });
    const literal = await nodes.run(http({ url: `${target.url}/json`, allow_private: false }));
    expect(nodes.step(literal, 'call').error).toMatchObject({ code: 'HTTP_PRIVATE_ADDRESS', message: expect.stringContaining('127.0.0.1 is a loopback address') });
    expect(target.received.length).toBe(before);

    const allowed = await nodes.run(http({ url: `${name}/json`, allow_private: true }));
    expect(nodes.step(allowed, 'call').output).toMatchObject({ status: 200, body: { hello: 'world' } });
    // In test (as in development) the server default lets steps that do not say reach them.
    const unsaid = await nodes.run(http({ url: `${name}/json` }));
    expect(unsaid.status).toBe('completed');
  });
});

describe('http node on a server that never allows private addresses', () => {
  const target = useTarget();
  const nodes = useNodeServer({ HTTP_ALLOW_PRIVATE: 'never' });

  it('refuses them even when the step asks for them', async () => {
    const run = await nodes.run(http({ url: `http://localhost:${target.port}/json`, allow_private: true }));
    expect(nodes.step(run, 'call').error).toMatchObject({ code: 'HTTP_PRIVATE_ADDRESS', message: expect.stringContaining('HTTP_ALLOW_PRIVATE=never') });
    expect(target.received).toEqual([]);
  });
});
