import { createServer, type Server } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { DnsClient } from '../../../electron/gateway/sip-transport/dns-client';
import { probeWebSocket } from '../../../electron/gateway/websocket-probe';
import { makeTestCertificates, type TestCertificates } from './test-certificates';

const LOCAL: DnsClient = {
  naptr: async () => [],
  srv: async () => [],
  addresses: async (name) => (name === 'localhost' ? [{ address: '127.0.0.1', family: 4 }] : []),
};

/** An HTTPS server that upgrades `/ws` to a WebSocket, speaking `sip` only when `sip` is true. */
async function webSocketServer(
  pem: { key: string; cert: string },
  sip: boolean,
): Promise<{ server: Server; port: number }> {
  const server = createServer({ key: pem.key, cert: pem.cert }, (_request, response) => {
    response.writeHead(404).end();
  });
  const sockets = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (sip && protocols.has('sip') ? 'sip' : false),
  });
  server.on('upgrade', (request, socket, head) => {
    if (request.url !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => ws.close());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

describe('probeWebSocket', () => {
  let certs: TestCertificates;
  const servers: Server[] = [];
  beforeAll(async () => {
    certs = await makeTestCertificates();
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  async function start(pem: { key: string; cert: string }, sip = true): Promise<number> {
    const { server, port } = await webSocketServer(pem, sip);
    servers.push(server);
    return port;
  }

  it('ok: the name resolves, TLS is trusted and the server upgrades to the sip subprotocol', async () => {
    const port = await start(certs.signed);
    expect(await probeWebSocket({ url: `wss://localhost:${port}/ws` }, LOCAL, [certs.ca])).toEqual({
      stage: 'ok',
    });
  });

  it('stops at dns for a name without an address', async () => {
    expect(await probeWebSocket({ url: 'wss://nowhere.ringline.test/ws' }, LOCAL, [certs.ca])).toMatchObject({
      stage: 'dns',
    });
  });

  it('stops at connect when nothing listens', async () => {
    const port = await start(certs.signed);
    await new Promise((resolve) => servers.pop()?.close(resolve));
    const result = await probeWebSocket({ url: `wss://127.0.0.1:${port}/ws` }, LOCAL, [certs.ca]);
    expect(result).toMatchObject({ stage: 'connect' });
    expect(result.stage === 'connect' && result.detail).toMatch(/ECONNREFUSED/);
  });

  it('stops at tls with the certificate’s SHA-256 when it is not trusted', async () => {
    const port = await start(certs.selfSigned);
    expect(await probeWebSocket({ url: `wss://127.0.0.1:${port}/ws` }, LOCAL, [certs.ca])).toMatchObject({
      stage: 'tls',
      sha256: certs.selfSigned.sha256,
    });
  });

  it('stops at upgrade with the HTTP status, or when the server will not speak sip', async () => {
    const port = await start(certs.signed);
    expect(await probeWebSocket({ url: `wss://localhost:${port}/other` }, LOCAL, [certs.ca])).toMatchObject({
      stage: 'upgrade',
      httpStatus: 404,
    });
    const noSip = await start(certs.signed, false);
    expect(await probeWebSocket({ url: `wss://localhost:${noSip}/ws` }, LOCAL, [certs.ca])).toMatchObject({
      stage: 'upgrade',
      httpStatus: 101,
    });
  });
});
