// The notify node through the engine: a message to the step log, a webhook to a local server
// (the same client and private-network guard as the http node), and email, which this server
// cannot send.
import { describe, expect, it } from 'vitest';
import { useNodeServer } from './harness.ts';
import { useTarget } from './target.ts';

const notify = (config: Record<string, unknown>) => `  - id: tell\n    type: notify\n    with: ${JSON.stringify(config)}\n`;

describe('notify node', () => {
  const target = useTarget();
  const nodes = useNodeServer();

  it('writes a log message to the step log and outputs it', async () => {
    const run = await nodes.run(notify({ message: 'Deployed ${{ run.id }}' }));
    expect(run.status).toBe('completed');
    expect(nodes.step(run, 'tell').output).toEqual({ channel: 'log', message: `Deployed ${run.id}` });
    expect(await nodes.log(run.id, 'tell')).toContain(`Deployed ${run.id}\n`);
  });

  it('posts a webhook as JSON with the run and step, showing only the origin', async () => {
    const run = await nodes.run(notify({ channel: 'webhook', url: `${target.url}/echo/secret-token`, message: 'Plan p1 is ready' }));
    expect(run.status).toBe('completed');
    const hook = target.received.find((r) => r.path === '/echo/secret-token')!;
    expect(hook.method).toBe('POST');
    expect(hook.headers['content-type']).toBe('application/json');
    expect(JSON.parse(hook.body)).toEqual({ text: 'Plan p1 is ready', message: 'Plan p1 is ready', run: run.id, step: 'tell' });
    const tell = nodes.step(run, 'tell');
    expect(tell.output).toMatchObject({ channel: 'webhook', status: 200 });
    expect(tell.summary).toBe(`webhook ${target.url} → 200`);
    // (The recorded config still has it: a webhook URL belongs in a secret, not in the YAML.)
    expect(JSON.stringify(tell.output) + tell.summary + (await nodes.log(run.id, 'tell'))).not.toContain('secret-token');
  });

  it('fails a webhook that answers an error status', async () => {
    const run = await nodes.run(notify({ channel: 'webhook', url: `${target.url}/status/500`, message: 'hi' }));
    expect(nodes.step(run, 'tell').error).toMatchObject({ code: 'HTTP_STATUS', message: `webhook ${target.url} answered 500, expected 2xx`, retryable: true });
  });

  it('refuses email: no mail transport is configured', async () => {
    const run = await nodes.run(notify({ channel: 'email', to: ['ops@example.com'], message: 'hi' }));
    expect(nodes.step(run, 'tell').error).toMatchObject({ code: 'EMAIL_NOT_CONFIGURED', message: expect.stringContaining('email is not configured on this server'), retryable: false });
  });
});

describe('notify webhooks on a server that refuses private addresses', () => {
  const target = useTarget();
  const nodes = useNodeServer({ HTTP_ALLOW_PRIVATE: 'false' });

  it('does not post to a name that resolves to loopback', async () => {
    const run = await nodes.run(notify({ channel: 'webhook', url: `http://localhost:${target.port}/echo`, message: 'hi' }));
    expect(nodes.step(run, 'tell').error).toMatchObject({
      code: 'HTTP_PRIVATE_ADDRESS', retryable: false,
      message: `webhook http://localhost:${target.port} refused: localhost is 127.0.0.1, a loopback address; this server refuses them unless a step says allow_private: true (HTTP_ALLOW_PRIVATE=false)`,
    });
    expect(target.received).toEqual([]);
  });
});
