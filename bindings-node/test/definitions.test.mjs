// Bad input: definitions with errors, handlers that are not functions, listening twice, closing mid-flight.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { ConfigError, Gateway, GatewayError, RegistrationError, Session, SessionError, check, simulate } from '../index.mjs'
import { API, connect, gateway } from './helpers.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))

test('a definition loads from a path, YAML text, JSON text or an object', () => {
  const yaml = `name: t\nrouteSelectionExpression: $request.body.action\nroutes:\n  $default: { target: integrations/f }\nintegrations:\n  f: { integrationType: AWS_PROXY }\n`
  for (const definition of [`${root}/examples/chat/api.yaml`, yaml, JSON.stringify(API), API]) {
    assert.ok(new Gateway(definition) instanceof Gateway)
  }
})

test('a definition with problems is a ConfigError listing every problem with its path and code', () => {
  const broken = `name: t\nrouteSelectionExpression: $request.body.action\nroutes:\n  a: { target: integrations/missing, bogus: 1 }\n`
  assert.throws(() => new Gateway(broken), (error) => {
    assert.ok(error instanceof ConfigError && error instanceof GatewayError && error instanceof Error)
    assert.equal(error.code, 'ConfigError')
    const found = error.data.problems.map((p) => [p.path, p.code])
    assert.deepEqual(found.sort(), [['routes.a.bogus', 'unknown_field'], ['routes.a.target', 'dangling_target']].sort())
    assert.equal(error.data.problems[0].line, 4)
    assert.match(error.message, /routes\.a\.bogus/)
    return true
  })
})

test('check lists the problems without throwing, the same as a ConfigError carries, and none for a good one', () => {
  const broken = `${root}/tests/fixtures/broken.yaml`
  const problems = check(broken)
  assert.deepEqual(problems.at(-1).path, 'routes.sendmessage.target')
  assert.equal(problems.at(-1).code, 'dangling_target')
  assert.throws(() => new Gateway(broken), (error) => {
    assert.deepEqual(error.data.problems, problems)
    return true
  })
  assert.deepEqual(check(`${root}/examples/chat/api.yaml`), [])
  assert.throws(() => check(42), GatewayError)
})

test('a file that does not exist or does not parse is named in the error', () => {
  assert.throws(() => new Gateway('/nonexistent/api.yaml'), (error) => {
    assert.equal(error.data.problems[0].file, '/nonexistent/api.yaml')
    assert.match(error.message, /\/nonexistent\/api\.yaml/)
    return true
  })
  assert.throws(() => new Gateway('{"name": '), ConfigError)
})

test('what is not a definition, a handler or an integration of the definition is refused clearly', () => {
  assert.throws(() => new Gateway(42), /a definition is a path, YAML or JSON text, or an object/)
  const gw = new Gateway(API)
  assert.throws(() => gw.integration('nope', () => {}), (error) => error instanceof GatewayError && /nope/.test(error.message))
  assert.throws(() => gw.integration('echo', 'not a function'), /is a function/)
  assert.throws(() => gw.route('x', undefined), /is a function/)
})

test('a SAM template is a definition, deployed with the template options', () => {
  const template = new URL('../../examples/chat/template.yaml', import.meta.url).pathname
  assert.deepEqual(check(template), [])
  const gw = new Gateway(template, { parameterOverrides: { StageName: 'prod' } })
  assert.ok(gw)
  assert.throws(() => new Gateway(template, { parameterOverrides: { Stage: 'prod' } }), (error) =>
    error instanceof ConfigError && error.data.problems[0].path === 'Parameters')
  assert.throws(() => new Gateway(template, { stackname: 'x' }), /template: unknown field `stackname`/)
})

test('check, simulate and sessions deploy a template with its options', () => {
  const template = new URL('../../examples/chat/template.yaml', import.meta.url).pathname
  const prod = { parameterOverrides: { StageName: 'prod' }, region: 'eu-west-1' }
  const message = JSON.stringify({ action: 'sendmessage', message: 'hi' })
  const stageOf = (trace) => trace.integration.request.requestContext.stage
  assert.equal(stageOf(simulate(template, message, { result: { statusCode: 200 } }, prod)), 'prod')
  assert.equal(stageOf(simulate(template, message)), 'dev')
  const session = new Session(template, undefined, prod)
  session.step({ connect: true })
  assert.equal(stageOf(session.step({ message })), 'prod')
  assert.deepEqual(check(template, prod), [])
  assert.deepEqual(check(template, { parameterOverrides: { Stage: 'prod' } }).map((p) => [p.path, p.code]),
    [['Parameters', 'invalid_value']])
  assert.throws(() => check(template, { stackname: 'x' }), /template: unknown field `stackname`/)
})

test('registration and simulated-session errors are typed, with the core code of why', () => {
  const gw = new Gateway(API)
  const coded = (type, code, text = /./) => (error) => error instanceof type && error.code === code && text.test(error.message)
  assert.throws(() => gw.integration('nope', () => {}), coded(RegistrationError, 'unknown_integration', /nope/))
  assert.throws(() => gw.route('$other', () => {}), coded(RegistrationError, 'not_a_route_key'))
  const session = new Session(API)
  assert.throws(() => session.step({ disconnect: null }), coded(SessionError, 'not_connected'))
  assert.throws(() => session.step({ mesage: 'x' }), coded(SessionError, 'not_a_step', /one of connect, message/))
  assert.throws(() => session.step({ message: 'x', fragmnets: 2 }), coded(SessionError, 'not_a_step', /fragmnets/))
  assert.throws(() => new Session(API, { sead: 1 }), coded(SessionError, 'invalid_options', /sead/))
  assert.throws(() => simulate(API, '{}', { reslut: 1 }), coded(SessionError, 'invalid_options', /reslut/))
})

test('listening twice is refused, and so is registering after listening', async () => {
  const gw = gateway()
  const server = await gw.listen({ port: 0 })
  try {
    assert.throws(() => gw.listen({ port: 0 }), /listened already/)
    assert.throws(() => gw.route('late', () => {}), /before the gateway listens/)
  } finally {
    await server.close()
  }
})

test('a port that is taken rejects listen with the address', async () => {
  const first = await gateway().listen({ port: 0 })
  const port = Number(new URL(first.url).port)
  try {
    await assert.rejects(gateway().listen({ port }), (error) => {
      assert.ok(error instanceof GatewayError)
      assert.match(error.message, new RegExp(`cannot serve on 127\\.0\\.0\\.1:${port}`))
      return true
    })
  } finally {
    await first.close()
  }
})

test('closing while messages are in flight closes clients with 1001 and resolves; closing again does nothing', async () => {
  let started
  const inFlight = new Promise((resolve) => { started = resolve })
  const gw = gateway((gw) => gw.integration('slow', () => { started(); return new Promise(() => {}) }))
  const server = await gw.listen({ port: 0 })
  const ws = await connect(server.url)
  const closing = new Promise((resolve) => ws.on('close', resolve))
  ws.send(JSON.stringify({ action: 'slow' }))
  await inFlight
  await server.close()
  assert.equal(await closing, 1001)
  await server.close()
})
