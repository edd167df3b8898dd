// JS functions as integrations: every form Lambda's Node.js runtime takes, and every way one can go wrong.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { Gateway } from '../index.mjs'
import { API, closed, connect, gateway, refusal, serving } from './helpers.mjs'

const INTERNAL_ERROR = /^\{"message": "Internal server error", "connectionId":"[^"]+", "requestId":"[^"]+"\}$/
const TIMED_OUT = /^\{"message": "Endpoint request timed out", "connectionId":"[^"]+", "requestId":"[^"]+"\}$/

/** Serves `fail` with `handler`, sends it one message, and checks that `echo` still answers afterwards. */
async function answerOf (handler) {
  const gw = gateway((gw) => gw.integration('fail', handler))
  return serving(gw, async (server) => {
    const ws = await connect(server.url)
    const answer = await ws.ask({ action: 'fail' })
    assert.equal(await ws.ask({ action: 'echo', text: 'still here' }), 'echo: still here')
    ws.close()
    return answer
  })
}

test('sync, async, Promise-returning and callback handlers all answer', async () => {
  const forms = {
    sync: () => ({ statusCode: 200, body: 'sync' }),
    async: async () => ({ statusCode: 200, body: 'async' }),
    promise: () => new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200, body: 'promise' }), 5)),
    callback: (event, context, callback) => setTimeout(() => callback(null, { statusCode: 200, body: 'callback' }), 5),
    succeed: (event, context) => { context.succeed({ statusCode: 200, body: 'succeed' }) },
  }
  for (const [name, handler] of Object.entries(forms)) {
    assert.equal(await answerOf(handler), name)
  }
})

test('the event is the Lambda-proxy event and the context is a Lambda context', async () => {
  let seen
  const gw = gateway((gw) => gw.integration('slow', (event, context) => {
    seen = {
      event,
      requestId: context.awsRequestId,
      functionName: context.functionName,
      remaining: context.getRemainingTimeInMillis(),
      arn: context.invokedFunctionArn,
      memory: context.memoryLimitInMB,
      logGroup: context.logGroupName,
      logStream: context.logStreamName,
      version: context.functionVersion,
    }
    return { statusCode: 200, body: 'seen' }
  }))
  await serving(gw, async (server) => {
    const ws = await connect(`${server.url}?room=1`)
    assert.equal(await ws.ask({ action: 'slow', n: 1 }), 'seen')
    ws.close()
  })
  const { requestContext } = seen.event
  assert.equal(requestContext.routeKey, 'slow')
  assert.equal(requestContext.eventType, 'MESSAGE')
  assert.equal(requestContext.stage, 'dev')
  assert.equal(requestContext.identity.sourceIp, '127.0.0.1')
  assert.match(requestContext.connectionId, /^[A-Za-z0-9_-]{15}=$/)
  assert.equal(seen.event.body, '{"action":"slow","n":1}')
  assert.equal(seen.event.isBase64Encoded, false)
  assert.match(seen.requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  assert.equal(seen.functionName, 'slow')
  assert.ok(seen.remaining > 0 && seen.remaining <= 300, `${seen.remaining} ms left of 300`)
  assert.equal(seen.arn, 'arn:aws:lambda:us-east-1:123456789012:function:slow')
  assert.equal(seen.memory, '128')
  assert.equal(seen.logGroup, '/aws/lambda/slow')
  assert.match(seen.logStream, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/)
  assert.equal(seen.version, '$LATEST')
})

test('thrown errors, thrown non-errors and rejections give the Internal server error frame', async () => {
  const failures = [
    () => { throw new Error('boom') },
    () => { throw 'a string' }, // eslint-disable-line no-throw-literal
    () => { throw undefined }, // eslint-disable-line no-throw-literal
    async () => { throw new TypeError('async boom') },
    () => Promise.reject(new Error('rejected')),
    (event, context, callback) => callback(new Error('called back')),
    (event, context) => context.fail('failed'),
    () => ({ statusCode: 200, body: 'x', count: 10n }), // a BigInt is not JSON
  ]
  for (const handler of failures) {
    assert.match(await answerOf(handler), INTERNAL_ERROR, String(handler))
  }
})

test('results with nothing to send send nothing, and the connection lives on', async () => {
  // answerOf's next message is the echo reply: anything these results sent would arrive first.
  const quiet = [() => undefined, () => null, async () => {}, () => ({ statusCode: 200 }), () => 'a string', () => 42]
  for (const handler of quiet) {
    const gw = gateway((gw) => gw.integration('fail', handler))
    await serving(gw, async (server) => {
      const ws = await connect(server.url)
      ws.send(JSON.stringify({ action: 'fail' }))
      assert.equal(await ws.ask({ action: 'echo', text: 'next' }), 'echo: next', String(handler))
      ws.close()
    })
  }
})

test('a body that is not a string is sent as its JSON; statusCode does not matter on a message route', async () => {
  assert.equal(await answerOf(() => ({ statusCode: 500, body: { n: 1 } })), '{"n":1}')
  assert.equal(await answerOf(() => ({ body: 'no status' })), 'no status')
})

test('bodies cross to the handler and back exactly: quotes, escapes, non-ASCII, 30 KB; toJSON and class results', async () => {
  const gw = gateway((gw) => gw.integration('fail', (event) => {
    const sent = JSON.parse(event.body)
    if (sent.as === 'toJSON') return { toJSON: () => ({ statusCode: 200, body: `toJSON ${sent.text}` }) }
    if (sent.as === 'class') return new (class { constructor () { this.body = `class ${sent.text}` } })()
    return { statusCode: 200, body: event.body, headers: { after: 'body' } }
  }))
  await serving(gw, async (server) => {
    const ws = await connect(server.url)
    const message = JSON.stringify({ action: 'fail', text: 'say "hi" \\ \n \u00e9 \u{1F600} ' + 'x'.repeat(30000) })
    ws.send(message)
    assert.equal(await ws.next(), message)
    assert.equal(await ws.ask({ action: 'fail', as: 'toJSON', text: '\u00e9' }), 'toJSON \u00e9')
    assert.equal(await ws.ask({ action: 'fail', as: 'class', text: '\u00e9' }), 'class \u00e9')
    ws.close()
  })
})

test('a handler that never answers times out with the Endpoint request timed out frame', async () => {
  const gw = gateway((gw) => gw.integration('slow', () => new Promise(() => {})))
  await serving(gw, async (server) => {
    const ws = await connect(server.url)
    assert.match(await ws.ask({ action: 'slow' }), TIMED_OUT)
    assert.equal(await ws.ask({ action: 'echo', text: 'after' }), 'echo: after')
    ws.close()
  })
})

test('a callback handler that never calls back times out too', async () => {
  const gw = gateway((gw) => gw.integration('slow', (event, context, callback) => {}))
  await serving(gw, async (server) => {
    const ws = await connect(server.url)
    assert.match(await ws.ask({ action: 'slow' }), TIMED_OUT)
    ws.close()
  })
})

test('a slow handler does not hold up other messages', async () => {
  let release
  const gw = gateway((gw) => gw.integration('slow', () => new Promise((resolve) => { release = resolve })))
  await serving(gw, async (server) => {
    const ws = await connect(server.url)
    ws.send(JSON.stringify({ action: 'slow' }))
    assert.equal(await ws.ask({ action: 'echo', text: 'first' }), 'echo: first')
    release({ statusCode: 200, body: 'slow' })
    assert.equal(await ws.next(), 'slow')
    ws.close()
  })
})

test('$connect accepts on 2xx or nothing, refuses with its status, and gives 502 when it fails', async () => {
  const cases = [
    [() => ({ statusCode: 200 }), 101],
    [() => undefined, 101],
    [async () => ({ statusCode: 403 }), 403],
    [() => ({ statusCode: 401, body: 'no' }), 401],
    [() => { throw new Error('connect failed') }, 502],
    [() => ({ body: 'no statusCode' }), 502],
    [() => 'not an object', 502],
  ]
  for (const [handler, status] of cases) {
    const gw = gateway((gw) => gw.onConnect(handler))
    await serving(gw, async (server) => {
      if (status === 101) {
        const ws = await connect(server.url)
        assert.equal(await ws.ask({ action: 'echo', text: 'in' }), 'echo: in')
        ws.close()
      } else {
        assert.equal(await refusal(server.url), status, String(handler))
      }
    })
  }
})

test('$connect picks the subprotocol through Sec-WebSocket-Protocol, and sees the query string', async () => {
  let query
  const gw = gateway((gw) => gw.onConnect((event) => {
    query = event.queryStringParameters
    return { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'chat' } }
  }))
  await serving(gw, async (server) => {
    const ws = await connect(`${server.url}?token=abc`, ['chat', 'superchat'])
    assert.equal(ws.protocol, 'chat')
    ws.close()
  })
  assert.deepEqual(query, { token: 'abc' })
})

test('$disconnect gets the close code and reason the client sent', async () => {
  let resolveDisconnect
  const disconnected = new Promise((resolve) => { resolveDisconnect = resolve })
  const gw = gateway((gw) => gw.onDisconnect((event) => { resolveDisconnect(event.requestContext) }))
  await serving(gw, async (server) => {
    const ws = await connect(server.url)
    ws.close(4000, 'bye')
    const context = await disconnected
    assert.equal(context.eventType, 'DISCONNECT')
    assert.equal(context.disconnectStatusCode, 4000)
    assert.equal(context.disconnectReason, 'bye')
  })
})

test('routes added by route() are one-way: they run, and answer only through @connections', async () => {
  const gw = new Gateway(API)
  gw.route('shout', async (event) => {
    const { connectionId } = event.requestContext
    await gw.connections.post(connectionId, JSON.parse(event.body).text.toUpperCase())
    return { statusCode: 200, body: 'not sent: a new route has no route response' }
  })
  gw.default(async (event) => {
    await gw.connections.post(event.requestContext.connectionId, `no route for ${event.body}`)
  })
  await serving(gw, async (server) => {
    const ws = await connect(server.url)
    assert.equal(await ws.ask({ action: 'shout', text: 'hey' }), 'HEY')
    assert.equal(await ws.ask({ action: 'nope' }), 'no route for {"action":"nope"}')
    ws.close()
  })
})

test('binary frames close the connection with 1003, and $disconnect still runs', async () => {
  let resolveDisconnect
  const disconnected = new Promise((resolve) => { resolveDisconnect = resolve })
  const gw = gateway((gw) => gw.onDisconnect((event) => resolveDisconnect(event.requestContext.disconnectStatusCode)))
  await serving(gw, async (server) => {
    const ws = await connect(server.url)
    const closing = closed(ws)
    ws.send(Buffer.from([1, 2, 3]))
    assert.equal((await closing).code, 1003)
    assert.equal(await disconnected, 1003)
  })
})

test('the process exits by itself once the server has closed', async () => {
  const { spawn } = await import('node:child_process')
  const script = `
    import { Gateway } from ${JSON.stringify(new URL('../index.mjs', import.meta.url).href)}
    const gw = new Gateway(${JSON.stringify(API)})
    gw.integration('echo', async () => ({ statusCode: 200, body: 'hi' }))
    const server = await gw.listen({ port: 0 })
    await server.close()
    console.log('closed')`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  child.stdout.on('data', (chunk) => { output += chunk })
  const [code] = await once(child, 'exit')
  assert.equal(code, 0)
  assert.equal(output.trim(), 'closed')
})
