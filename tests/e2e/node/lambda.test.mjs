// A Node Lambda function, unchanged from how it runs on AWS, answers a `ws` client through the aws-sdk's
// management client at https://{domainName}/{stage}: wsgate's TLS on the same port, trusted by NODE_EXTRA_CA_CERTS.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, serve, start } from './peers.mjs'

const definition = 'tests/e2e/node/api.yaml'
const tlsDir = mkdtempSync(join(tmpdir(), 'wsgate-tls-'))
let lambda
let gateway

before(async () => {
  // Node reads NODE_EXTRA_CA_CERTS once, at start: a first run of the gateway makes the certificate it keeps.
  await (await serve([definition, '--tls-dir', tlsDir])).stop()
  lambda = await start(process.execPath, ['tests/e2e/node/lambda.mjs'], {
    env: {
      ...process.env,
      NODE_EXTRA_CA_CERTS: join(tlsDir, 'cert.pem'),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
  })
  gateway = await serve([definition, '--tls-dir', tlsDir, '--lambda-endpoint', lambda.url])
})

after(async () => {
  await gateway.stop()
  await lambda.stop()
  rmSync(tlsDir, { recursive: true })
})

test('a Lambda function posts its answer back through https://{domainName}/{stage}', async () => {
  const ws = await connect(gateway.url)
  ws.send(JSON.stringify({ action: 'reply', text: 'hello' }))
  assert.equal(await ws.next(), 'you said: hello')
  ws.close()
})

test('wss:// clients that trust the certificate get the same gateway', async () => {
  const ca = readFileSync(join(tlsDir, 'cert.pem'))
  const ws = await connect(gateway.url.replace('ws://127.0.0.1', 'wss://localhost'), { ca })
  ws.send(JSON.stringify({ action: 'reply', text: 'securely' }))
  assert.equal(await ws.next(), 'you said: securely')
  ws.close()
})
