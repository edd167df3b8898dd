// What the tests of the wsgate package share: a definition with two-way routes, gateways on a free port, ws clients.
import { once } from 'node:events'
import WebSocket from 'ws'
import { Gateway } from '../index.mjs'

/** Routes `echo`, `slow` and `fail` (two-way, one AWS_PROXY integration each) and `$default` (two-way). */
export const API = {
  name: 'test',
  routeSelectionExpression: '$request.body.action',
  integrations: {
    echo: { integrationType: 'AWS_PROXY' },
    slow: { integrationType: 'AWS_PROXY', timeoutInMillis: 300 },
    fail: { integrationType: 'AWS_PROXY' },
  },
  routes: {
    echo: { target: 'integrations/echo', routeResponseSelectionExpression: '$default' },
    slow: { target: 'integrations/slow', routeResponseSelectionExpression: '$default' },
    fail: { target: 'integrations/fail', routeResponseSelectionExpression: '$default' },
  },
}

/** A gateway of `API` whose `echo` integration answers `echo: <text>`, and `register(gateway)` for the rest. */
export function gateway (register = () => {}) {
  const gw = new Gateway(API)
  gw.integration('echo', (event) => ({ statusCode: 200, body: `echo: ${JSON.parse(event.body).text}` }))
  register(gw)
  return gw
}

/** Listens on a free port, runs `use(server)`, and always closes. */
export async function serving (gw, use, options = {}) {
  const server = await gw.listen({ port: 0, ...options })
  try {
    return await use(server)
  } finally {
    await server.close()
  }
}

/** Opens a client and resolves once it is connected; `next()` resolves with the next message (text as a string). */
export async function connect (url, options) {
  const ws = new WebSocket(url, options)
  const queue = []
  const waiting = []
  ws.on('message', (data, binary) => {
    const message = binary ? data : data.toString()
    if (waiting.length) waiting.shift()(message)
    else queue.push(message)
  })
  await once(ws, 'open')
  ws.next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve)))
  ws.ask = (message) => {
    ws.send(JSON.stringify(message))
    return ws.next()
  }
  return ws
}

/** The status of a refused handshake. */
export async function refusal (url) {
  const ws = new WebSocket(url)
  ws.on('error', () => {}) // ws reports the abandoned handshake too
  const [request, response] = await once(ws, 'unexpected-response')
  request.destroy()
  return response.statusCode
}

/** Resolves with the close code and reason the client received. */
export async function closed (ws) {
  const [code, reason] = await once(ws, 'close')
  return { code, reason: reason.toString() }
}
