// wsgate serve with Node peers: `ws` clients and @aws-sdk/client-apigatewaymanagementapi, unchanged.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import WebSocket from 'ws'
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const binary = process.env.WSGATE_BIN ?? `${root}/target/debug/wsgate`
// The SDK signs every request; wsgate accepts any signature, but the SDK needs credentials to make one.
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' }

let server
let url

before(async () => {
  server = spawn(binary, ['serve', 'examples/mock-templates/api.yaml', '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const [line] = await once(createInterface({ input: server.stdout }), 'line')
  assert.match(line, /^listening on ws:\/\//)
  url = line.split(' ').at(-1)
})

after(async () => {
  server.kill('SIGTERM')
  const [code] = await once(server, 'exit')
  assert.equal(code, 0)
})

/** Opens a client and resolves once it is connected; `next()` resolves with the next text message. */
async function connect () {
  const ws = new WebSocket(url)
  const queue = []
  const waiting = []
  ws.on('message', (data) => (waiting.length ? waiting.shift()(data.toString()) : queue.push(data.toString())))
  await once(ws, 'open')
  ws.next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve)))
  return ws
}

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
