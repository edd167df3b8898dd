// The @connections API: in-process through gw.connections, and over HTTP with the aws-sdk's management client.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  ApiGatewayManagementApiClient, DeleteConnectionCommand, GetConnectionCommand, PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi'
import { GatewayError, GoneException, PayloadTooLargeException } from '../index.mjs'
import { closed, connect, gateway, serving } from './helpers.mjs'

/** A gateway whose `echo` route answers with the caller's connection id. */
function whoami () {
  return gateway((gw) => gw.integration('echo', (event) => ({ statusCode: 200, body: event.requestContext.connectionId })))
}

test('post, get and delete in-process, as the aws-sdk answers them', async () => {
  const gw = whoami()
  await serving(gw, async (server) => {
    const ws = await connect(server.url, { headers: { 'User-Agent': 'wsgate-test' } })
    const id = await ws.ask({ action: 'echo' })
    await gw.connections.post(id, 'text')
    assert.equal(await ws.next(), 'text')
    await gw.connections.post(id, Buffer.from('ünïcode'))
    assert.equal(await ws.next(), 'ünïcode')
    await gw.connections.post(id, new Uint8Array([0xff, 0x00]))
    assert.deepEqual([...await ws.next()], [0xff, 0x00])

    const info = await server.connections.get(id)
    assert.equal(info.Identity.SourceIp, '127.0.0.1')
    assert.equal(info.Identity.UserAgent, 'wsgate-test')
    assert.ok(info.ConnectedAt instanceof Date && info.LastActiveAt instanceof Date)
    assert.ok(info.ConnectedAt <= info.LastActiveAt && info.LastActiveAt <= new Date())

    await assert.rejects(gw.connections.post(id, 'x'.repeat(131_073)), PayloadTooLargeException)
    await gw.connections.post(id, 'y'.repeat(131_072))
    assert.equal((await ws.next()).length, 131_072)

    const closing = closed(ws)
    await gw.connections.delete(id)
    // Gone as soon as delete has answered, before the client has even seen its close frame.
    for (const call of [() => gw.connections.post(id, 'late'), () => gw.connections.get(id), () => gw.connections.delete(id)]) {
      await assert.rejects(call(), (error) => {
        assert.ok(error instanceof GoneException && error instanceof Error)
        assert.equal(error.name, 'GoneException')
        assert.equal(error.code, 'GoneException')
        assert.equal(error.$metadata.httpStatusCode, 410)
        assert.deepEqual(error.data, { connectionId: id, httpStatusCode: 410 })
        return true
      })
    }
    assert.equal((await closing).code, 1000)
  })
})

test('a connection that never existed is gone; posting in many at once fails only the gone ones', async () => {
  const gw = whoami()
  await serving(gw, async (server) => {
    const ws = await connect(server.url)
    const id = await ws.ask({ action: 'echo' })
    const outcomes = await Promise.allSettled([id, 'XDmENcnwIE0CFEQ=', id].map((to) => gw.connections.post(to, 'hi')))
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled'])
    assert.equal(outcomes[1].reason.name, 'GoneException')
    assert.equal(await ws.next(), 'hi')
    assert.equal(await ws.next(), 'hi')
    ws.close()
  })
})

test('connections need a listening gateway', async () => {
  const gw = whoami()
  await assert.rejects(gw.connections.post('XDmENcnwIE0CFEQ=', 'x'), GatewayError)
  const server = await gw.listen({ port: 0 })
  await server.close()
  await assert.rejects(gw.connections.get('XDmENcnwIE0CFEQ='), /not listening/)
})

test('the aws-sdk management client works against server.managementUrl unchanged', async () => {
  const gw = whoami()
  await serving(gw, async (server) => {
    const client = new ApiGatewayManagementApiClient({
      endpoint: server.managementUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    })
    const ws = await connect(server.url)
    const id = await ws.ask({ action: 'echo' })
    await client.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'from the sdk' }))
    assert.equal(await ws.next(), 'from the sdk')
    const info = await client.send(new GetConnectionCommand({ ConnectionId: id }))
    assert.equal(info.Identity.SourceIp, '127.0.0.1')
    assert.ok(info.ConnectedAt instanceof Date)
    const closing = closed(ws)
    await client.send(new DeleteConnectionCommand({ ConnectionId: id }))
    assert.equal((await closing).code, 1000)
    await assert.rejects(client.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'late' })), (error) => {
      assert.equal(error.name, 'GoneException')
      assert.equal(error.$metadata.httpStatusCode, 410)
      return true
    })
    client.destroy()
  })
})

/** A handler as AWS's samples write it: the management client built from the event, posting back to the caller. */
function postsBackThrough (endpointOf) {
  return gateway((gw) => gw.integration('echo', async (event) => {
    const client = new ApiGatewayManagementApiClient({ endpoint: endpointOf(event.requestContext) })
    const { text } = JSON.parse(event.body)
    await client.send(new PostToConnectionCommand({ ConnectionId: event.requestContext.connectionId, Data: text.toUpperCase() }))
    return { statusCode: 200 }
  }))
}

for (const [form, endpointOf] of [
  ['https://{domainName}/{stage}', (c) => `https://${c.domainName}/${c.stage}`],
  ['https://{apiId}.execute-api.{region}.amazonaws.com/{stage}',
    (c) => `https://${c.apiId}.execute-api.${process.env.AWS_REGION}.amazonaws.com/${c.stage}`],
]) {
  test(`in-process handlers reach the gateway at ${form} with no certificate or DNS set up`, async () => {
    const saved = { ...process.env }
    Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' })
    try {
      await serving(postsBackThrough(endpointOf), async (server) => {
        const ws = await connect(server.url)
        ws.send(JSON.stringify({ action: 'echo', text: 'shout' }))
        assert.equal(await ws.next(), 'SHOUT')
        ws.close()
      })
    } finally {
      process.env = saved
    }
  })
}

test('with the management API on a port of its own, the clients\' port refuses it and handlers still reach it', async () => {
  const saved = { ...process.env }
  Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' })
  try {
    await serving(postsBackThrough((c) => `https://${c.domainName}/${c.stage}`), async (server) => {
      assert.notEqual(new URL(server.managementUrl).port, new URL(server.url).port)
      const ws = await connect(server.url)
      ws.send(JSON.stringify({ action: 'echo', text: 'shout' }))
      assert.equal(await ws.next(), 'SHOUT')
      const onClientsPort = await fetch(`${server.url.replace('ws://', 'http://')}/@connections/AAAAAAAAAAAAAAA=`)
      assert.equal(onClientsPort.status, 403)
      ws.close()
    }, { management: '127.0.0.1:0' })
  } finally {
    process.env = saved
  }
})

test('only the gateway\'s own hosts are routed, and only while it serves', async () => {
  const https = await import('node:https')
  const original = https.request
  await serving(whoami(), async (server) => {
    const { port } = new URL(server.managementUrl)
    const protocolOf = (url) => {
      const request = https.request(url)
      request.on('error', () => {})
      request.destroy()
      return request.protocol
    }
    assert.equal(protocolOf(`https://127.0.0.1:${port}/dev`), 'http:')
    assert.equal(protocolOf(`https://localhost:${port}/dev`), 'http:')
    assert.equal(protocolOf(`https://${server.apiId}.execute-api.us-east-1.amazonaws.com/dev`), 'http:')
    assert.equal(protocolOf('https://abcdef1234.execute-api.us-east-1.amazonaws.com/dev'), 'https:')
    assert.equal(protocolOf('https://127.0.0.1:1/'), 'https:')
  })
  assert.equal(https.request, original)
})
