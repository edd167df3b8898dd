// wsgate serve with Node peers: `ws` clients and @aws-sdk/client-apigatewaymanagementapi, unchanged, signing or
// not.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createHash, createHmac } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi'
import { SignatureV4 } from '@smithy/signature-v4'
import WebSocket from 'ws'
import { connect as connectTo, serve } from './peers.mjs'

// The SDK signs every request; wsgate accepts any signature, but the SDK needs credentials to make one.
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' }

let gateway
let url

before(async () => {
  gateway = await serve(['examples/mock-templates/api.yaml'])
  url = gateway.url
  assert.match(url, /^ws:\/\//)
})

after(() => gateway.stop())

const connect = () => connectTo(url)

function management () {
  return new ApiGatewayManagementApiClient({ endpoint: url.replace('ws://', 'http://'), region: 'us-east-1', credentials })
}

test('routes answer with the API Gateway frames', async () => {
  const ws = await connect()
  ws.send(JSON.stringify({ action: 'greet', name: 'Ana' }))
  assert.equal(await ws.next(), '{"message": "hello Ana", "letters": 3}')
  ws.send(JSON.stringify({ action: 'nope' }))
  assert.match(await ws.next(), /^\{"message": "Forbidden", "connectionId":"[A-Za-z0-9_-]{15}=", "requestId":"/)
  ws.close()
})

test('the aws-sdk posts to, gets and deletes a connection', async () => {
  const ws = await connect()
  ws.send(JSON.stringify({ action: 'whoami' }))
  const { connectionId } = JSON.parse(await ws.next())
  const client = management()

  await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'pushed' }))
  assert.equal(await ws.next(), 'pushed')

  const info = await client.send(new GetConnectionCommand({ ConnectionId: connectionId }))
  assert.ok(info.ConnectedAt instanceof Date)
  assert.equal(info.Identity.SourceIp, '127.0.0.1')

  await assert.rejects(
    client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'z'.repeat(131_073) })),
    { name: 'PayloadTooLargeException' },
  )

  const closed = once(ws, 'close')
  await client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }))
  const [code] = await closed
  assert.equal(code, 1000)

  await assert.rejects(
    client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'late' })),
    { name: 'GoneException' },
  )
})

test('a binary frame closes the connection with 1003', async () => {
  const ws = await connect()
  const closed = once(ws, 'close')
  ws.send(Buffer.from([1, 2, 3]))
  const [code] = await closed
  assert.equal(code, 1003)
})

test('with --credentials, only the aws-sdk signing with a given key reaches the connections', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsgate-credentials-'))
  const file = join(dir, 'credentials')
  writeFileSync(file, '[backend]\naws_access_key_id = AKIAWSGATEBACKEND02\naws_secret_access_key = node-secret\n')
  const guarded = await serve(['examples/mock-templates/api.yaml', '--credentials', file])
  try {
    const endpoint = guarded.url.replace('ws://', 'http://')
    const as = (accessKeyId, secretAccessKey) =>
      new ApiGatewayManagementApiClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey } })
    const ws = await connectTo(guarded.url)
    ws.send(JSON.stringify({ action: 'whoami' }))
    const { connectionId } = JSON.parse(await ws.next())
    const post = (client) => client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'pushed' }))
    await post(as('AKIAWSGATEBACKEND02', 'node-secret'))
    assert.equal(await ws.next(), 'pushed')
    await assert.rejects(post(as('AKIAWSGATEBACKEND02', 'guessed')), (error) =>
      error.name === 'InvalidSignatureException' && error.$metadata.httpStatusCode === 403)
    await assert.rejects(post(as('AKIAOTHERKEY0000000', 'x')), (error) =>
      error.name === 'UnrecognizedClientException' && error.$metadata.httpStatusCode === 403)
    ws.close()
  } finally {
    await guarded.stop()
    rmSync(dir, { recursive: true })
  }
})

test('an AWS_IAM $connect takes a URL the aws-sdk signer presigned with a given key, and nothing else', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsgate-credentials-'))
  const file = join(dir, 'credentials')
  writeFileSync(file, '[web]\naws_access_key_id = AKIAWSGATEWEBCLIENT\naws_secret_access_key = web-secret\n')
  const guarded = await serve(['tests/e2e/iam.yaml', '--credentials', file])
  // As a browser or Node client presigns the wss:// URL of an IAM-guarded API (the signer of aws-sdk v3).
  const presign = async (accessKeyId, secretAccessKey) => {
    const url = new URL(guarded.url)
    const signer = new SignatureV4({ service: 'execute-api', region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, sha256: Sha256 })
    const signed = await signer.presign(
      { method: 'GET', protocol: 'ws:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: {}, headers: { host: url.host } },
      { expiresIn: 60 },
    )
    return `ws://${url.host}${url.pathname}?${new URLSearchParams(signed.query)}`
  }
  try {
    const ws = await connectTo(await presign('AKIAWSGATEWEBCLIENT', 'web-secret'))
    ws.send(JSON.stringify({ action: 'whoami' }))
    const me = JSON.parse(await ws.next())
    assert.equal(me.userArn, 'arn:aws:iam::123456789012:user/web')
    assert.equal(me.accessKey, 'AKIAWSGATEWEBCLIENT')
    ws.close()
    for (const [url, type] of [
      [await presign('AKIAWSGATEWEBCLIENT', 'guessed'), 'InvalidSignatureException'],
      [await presign('AKIAOTHERKEY0000000', 'x'), 'UnrecognizedClientException'],
      [guarded.url, 'MissingAuthenticationTokenException'],
    ]) {
      const client = new WebSocket(url)
      // Ending a refused handshake is reported as an error; the refusal itself is what is checked.
      client.on('error', () => {})
      const [, response] = await once(client, 'unexpected-response')
      assert.equal(response.statusCode, 403)
      assert.equal(response.headers['x-amzn-errortype'], type)
      client.terminate()
    }
  } finally {
    await guarded.stop()
    rmSync(dir, { recursive: true })
  }
})

/** The SHA-256 the aws-sdk signer asks for, on Node's crypto (what @smithy/hash-node does). */
class Sha256 {
  constructor (secret) {
    this.hash = secret ? createHmac('sha256', secret) : createHash('sha256')
  }

  update (data) {
    this.hash.update(data)
  }

  async digest () {
    return this.hash.digest()
  }
}
