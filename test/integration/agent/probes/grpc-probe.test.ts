/** grpc probes against a real grpc-js server implementing grpc.health.v1 on loopback. */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { grpcProbe } from '../../../../agent/probes/grpc-probe';
import { decodeHealthCheckResponse, encodeHealthCheckRequest } from '../../../../agent/probes/health-check-codec';

/** The request (its service name), read independently of the prober's encoder. An object: grpc-js takes a falsy request for none. */
function requestOf(buf: Buffer): { service: string } {
  return { service: buf.length === 0 ? '' : buf.subarray(2, 2 + buf[1]).toString('utf8') };
}

const HEALTH: grpc.ServiceDefinition = {
  Check: {
    path: '/grpc.health.v1.Health/Check', requestStream: false, responseStream: false,
    requestSerialize: (r: { service: string }) => encodeHealthCheckRequest(r.service), requestDeserialize: requestOf,
    responseSerialize: (status: number) => Buffer.from([0x08, status]), responseDeserialize: decodeHealthCheckResponse,
  },
};

const STATUSES: Record<string, number> = { '': 1, db: 2 };

function serve(withHealth: boolean, agents: string[]): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  if (withHealth) {
    server.addService(HEALTH, {
      Check: (call: grpc.ServerUnaryCall<{ service: string }, number>, cb: grpc.sendUnaryData<number>) => {
        agents.push(String(call.metadata.get('user-agent')[0]));
        const status = STATUSES[call.request.service];
        if (status === undefined) cb({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
        else cb(null, status);
      },
    });
  }
  return new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve({ server, port }))));
}

describe('grpc probes against a real health server', function () {
  this.timeout(15_000);
  const stop = new AbortController().signal;
  const agents: string[] = [];
  let health: { server: grpc.Server; port: number };
  let bare: { server: grpc.Server; port: number };

  before(async () => {
    health = await serve(true, agents);
    bare = await serve(false, agents);
  });

  after(() => {
    health.server.forceShutdown();
    bare.server.forceShutdown();
  });

  it("succeeds when the service is SERVING, with the kubelet's User-Agent", async () => {
    assert.deepEqual(await grpcProbe('127.0.0.1', health.port, '', 1, stop), { result: 'success', output: 'service healthy' });
    assert.match(agents.at(-1) ?? '', /^kube-probe\/1\.32 /);
  });

  it('fails when the service is NOT_SERVING', async () => {
    assert.deepEqual(await grpcProbe('127.0.0.1', health.port, 'db', 1, stop), { result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
  });

  it('fails with the rpc error for an unknown service', async () => {
    assert.deepEqual(await grpcProbe('127.0.0.1', health.port, 'cache', 1, stop), { result: 'failure', output: 'error: health rpc probe failed: rpc error: code = NotFound desc = unknown service' });
  });

  it('fails when the server does not implement the health protocol', async () => {
    const res = await grpcProbe('127.0.0.1', bare.port, '', 1, stop);
    assert.equal(res.result, 'failure');
    assert.match(res.output, /^error: this server does not implement the grpc health protocol \(grpc\.health\.v1\.Health\): /);
  });

  it('fails after the timeout when nothing listens', async () => {
    const gone = await serve(true, agents);
    gone.server.forceShutdown();
    const res = await grpcProbe('127.0.0.1', gone.port, '', 1, stop);
    assert.deepEqual(res, { result: 'failure', output: `timeout: failed to connect service "127.0.0.1:${gone.port}" within 1s: context deadline exceeded` });
  });
});
