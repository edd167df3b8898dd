// $connect's Lambda REQUEST authorizer as an in-process JS function, written as AWS's samples write one, with `ws`
// clients sending their token in a header.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import WebSocket from 'ws'
import { Gateway, RegistrationError } from '../index.mjs'
import { connect, serving } from './helpers.mjs'

const GUARDED = `
name: guarded
routeSelectionExpression: $request.body.action
authorizers:
  tokens:
    authorizerType: REQUEST
    identitySource: [route.request.header.Authorization]
integrations:
  whoami: { integrationType: AWS_PROXY }
routes:
  $connect: { target: integrations/whoami, authorizationType: CUSTOM, authorizerId: tokens }
  $default: { target: integrations/whoami, routeResponseSelectionExpression: $default }
`

function guarded () {
  return new Gateway(GUARDED)
    .authorizer('tokens', (event, context, callback) => {
      const token = event.headers.Authorization
      if (token === 'expired') return callback('Unauthorized')
      const effect = token.startsWith('user-') ? 'Allow' : 'Deny'
      callback(null, {
        principalId: token,
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: event.methodArn }],
        },
        context: { plan: 'pro', admin: false },
      })
    })
    .integration('whoami', async (event) => ({ statusCode: 200, body: JSON.stringify(event.requestContext.authorizer) }))
}

function statusOf (url, headers) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.on('unexpected-response', (_, response) => resolve(response.statusCode))
    ws.on('open', () => reject(new Error('connected')))
    ws.on('error', () => {})
  })
}

test('the authorizer decides who connects, and its context follows the connection', async () => {
  await serving(guarded(), async (server) => {
    assert.equal(await statusOf(server.url, {}), 401)
    assert.equal(await statusOf(server.url, { Authorization: 'expired' }), 401)
    assert.equal(await statusOf(server.url, { Authorization: 'intruder' }), 403)
    const ws = await connect(server.url, { headers: { Authorization: 'user-3' } })
    assert.deepEqual(JSON.parse(await ws.ask({ action: 'hi' })), { principalId: 'user-3', plan: 'pro', admin: 'false' })
    ws.close()
  })
})

test('an authorizer the definition lacks is a registration error', () => {
  assert.throws(() => guarded().authorizer('nope', () => {}), (error) =>
    error instanceof RegistrationError && error.code === 'unknown_authorizer' && /tokens/.test(error.message))
})
