// The peer of the Node benchmark: a hand-written `ws` server doing the same job as wsgate there (parse the JSON,
// route on `action`, build a Lambda proxy event, call the echo handler, send the body back), as well as one event
// loop can. Prints `listening on ws://HOST:PORT/` once it accepts connections.
import { randomBytes } from 'node:crypto'
import { WebSocketServer } from 'ws'
import handler from '../serverless-offline/handler.js'

const id = () => randomBytes(11).toString('base64url').slice(0, 15) + '='
const context = { functionName: 'echo', functionVersion: '$LATEST', getRemainingTimeInMillis: () => 29000 }
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })

wss.on('connection', (ws, request) => {
  const connectionId = id()
  const connectedAt = Date.now()
  ws.on('message', async (data) => {
    const text = data.toString()
    let route
    try {
      route = JSON.parse(text).action
    } catch {}
    if (route !== 'echo') return ws.send('{"message": "Forbidden"}')
    const now = Date.now()
    const event = {
      requestContext: {
        routeKey: route, messageId: id(), eventType: 'MESSAGE', messageDirection: 'IN', stage: 'dev',
        connectedAt, requestTimeEpoch: now, identity: { sourceIp: request.socket.remoteAddress },
        requestId: id(), domainName: 'localhost', connectionId, apiId: 'abcdefghij',
      },
      body: text,
      isBase64Encoded: false,
    }
    const result = await handler.echo(event, context)
    ws.send(result.body)
  })
})
wss.on('listening', () => console.log(`listening on ws://127.0.0.1:${wss.address().port}/`))
