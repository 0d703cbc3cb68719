import { describe, expect, it, vi } from 'vitest';
import { createWebGateway } from '../../../renderer/src/host/web-gateway';

const SECRET = 'S'.repeat(43);

function gateway(hash: string) {
  return createWebGateway({ hash, pinOf: async () => undefined, onCertificateProblem: vi.fn() });
}

describe('the browser build’s gateway client', () => {
  it('without the fragment npm run web prints, says there is no local service and connects nowhere', async () => {
    const web = gateway('');
    expect(await web.availability()).toEqual({ available: false, reason: 'no-local-service' });
    expect(await web.connect({ accountId: 'a1', transport: 'udp', server: 'pbx.example.com' })).toMatchObject(
      {
        ok: false,
        error: { kind: 'no-gateway' },
      },
    );
    await expect(web.send({ accountId: 'a1', message: 'x' })).rejects.toThrow(/npm run web/);
    expect((await web.lookup('example.com')).targets).toEqual([]);
  });

  it('with a fragment whose service does not answer, says it is unreachable', async () => {
    // Port 9 (discard): nothing listens there on a test machine.
    const web = gateway(`#gateway=9.${SECRET}`);
    const availability = await web.availability();
    expect(availability).toMatchObject({ available: false, reason: 'service-unreachable' });
    expect(await web.connect({ accountId: 'a1', transport: 'tcp', server: 'pbx.example.com' })).toMatchObject(
      {
        ok: false,
        error: { kind: 'no-gateway' },
      },
    );
  });

  it('ignores a fragment that is not a port and a secret', async () => {
    for (const hash of ['#gateway=abc', `#gateway=70000.${SECRET}`, '#gateway=5060.short', '#dial=tel%3A1'])
      expect(await gateway(hash).availability(), hash).toEqual({
        available: false,
        reason: 'no-local-service',
      });
  });
});
