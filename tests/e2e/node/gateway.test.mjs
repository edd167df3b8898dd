// wsgate serve with Node peers: `ws` clients and @aws-sdk/client-apigatewaymanagementapi, unchanged, signing or
// not.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi'
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
