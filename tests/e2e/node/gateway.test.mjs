// wsgate serve with Node peers: `ws` clients and @aws-sdk/client-apigatewaymanagementapi, unchanged.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
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
