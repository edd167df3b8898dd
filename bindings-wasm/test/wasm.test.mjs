// The WebAssembly build's JS API in Node (bindings-wasm/build.sh's pkg-node): plain objects in, plain objects out,
// and errors as data.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const wasm = createRequire(import.meta.url)('../pkg-node/wsgate_wasm.js')
const chat = readFileSync(new URL('../../examples/chat/api.yaml', import.meta.url), 'utf8')

test('check lists every problem of a definition with its code, path and line', () => {
  assert.deepEqual(wasm.check(chat), [])
  const problems = wasm.check('name: x\nroutes:\n  a: { target: integrations/missing }\n')
  const dangling = problems.find((p) => p.code === 'dangling_target')
  assert.equal(dangling.path, 'routes.a.target')
  assert.equal(dangling.line, 3)
  assert.ok(Array.isArray(problems) && Object.getPrototypeOf(dangling) === Object.prototype)
  assert.ok(wasm.check('name: [').length > 0)
})

test('simulate gives the trace of one message as a plain object', () => {
  const trace = wasm.simulate(chat, '{"action":"sendmessage","message":"hi"}', { result: { statusCode: 200 } })
  assert.equal(trace.routeKey, 'sendmessage')
  assert.equal(trace.validation.valid, true)
  assert.equal(trace.integration.request.requestContext.routeKey, 'sendmessage')
  assert.deepEqual(trace.send, [])
  const invalid = wasm.simulate(chat, '{"action":"joinroom"}', undefined)
  assert.match(invalid.send[0], /Bad request body/)
  const big = wasm.simulate(chat, `{"action":"sendmessage","message":"${'x'.repeat(40_000)}"}`, undefined)
  assert.equal(big.close.code, 1009)
})

test('a broken definition or unknown options are thrown as data, named as the Node package names them', () => {
  assert.throws(() => wasm.simulate('name: [', '{}'), (error) => error.name === 'ConfigError' && error.problems.length > 0)
  assert.throws(
    () => wasm.simulate(chat, '{}', { reslut: 1 }),
    (error) => error.name === 'SessionError' && error.code === 'invalid_options' && /reslut/.test(error.message),
  )
})

test('a Session keeps one connection: its id stays, and a disconnect ends it', () => {
  const session = new wasm.Session(chat, { seed: 7 })
  const connected = session.step({ connect: true })
  const message = session.step({ message: '{"action":"joinroom","room":"lobby"}', result: { statusCode: 200, body: 'joined' } })
  assert.equal(message.integration.request.requestContext.connectionId, connected.integration.request.requestContext.connectionId)
  assert.deepEqual(message.send, ['joined'])
  const gone = session.step({ disconnect: { code: 1000, reason: 'bye' } })
  assert.equal(gone.integration.request.requestContext.disconnectStatusCode, 1000)
  assert.throws(() => new wasm.Session('name: ['), (error) => error.problems.length > 0)
})

test('preview gives the trace a step would give and leaves the connection as it was', () => {
  const session = new wasm.Session(chat, { seed: 3 })
  session.step({ connect: true })
  const step = { message: '{"action":"sendmessage","message":"hi"}' }
  const previewed = session.preview(step)
  assert.deepEqual(previewed.selection, { expression: '$request.body.action', value: 'sendmessage' })
  assert.deepEqual(session.step(step), previewed)
  assert.notEqual(session.preview(step).integration.request.requestContext.requestId, previewed.integration.request.requestContext.requestId)
  assert.throws(() => session.preview({ bogus: 1 }), (error) => error.code === 'not_a_step' && /connect, message/.test(error.message))
  session.step({ disconnect: null })
  assert.throws(() => session.step({ disconnect: null }), (error) => error.name === 'SessionError' && error.code === 'not_connected')
})

test("a function's Lambda context values are the core's, in the API's region", () => {
  const session = new wasm.Session(chat)
  const values = session.lambdaContext('chat', Date.UTC(2026, 11, 5), '0f'.repeat(16))
  assert.deepEqual(values, {
    functionName: 'chat',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:chat',
    memoryLimitInMB: 128,
    logGroupName: '/aws/lambda/chat',
    logStreamName: `2026/12/05/[$LATEST]${'0f'.repeat(16)}`,
  })
  assert.throws(() => session.lambdaContext('chat', 0, 'not hex'), (error) => error.name === 'GatewayError')
})
