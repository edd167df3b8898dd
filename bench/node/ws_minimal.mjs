// The minimal `ws` server a user would write instead of wsgate: parse the frame as JSON, take `action`, call a
// Lambda-shaped handler with a small event, send its body back. Prints `listening on ws://HOST:PORT/`.
import { randomUUID } from 'node:crypto'
import { WebSocketServer } from 'ws'

const handler = async (event) => ({ statusCode: 200, body: event.body })
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })

wss.on('connection', (ws) => {
  const connectionId = randomUUID()
  ws.on('message', async (data) => {
    const body = data.toString()
    let routeKey
    try {
      routeKey = JSON.parse(body).action
    } catch {}
    if (routeKey !== 'echo') return ws.send('{"message": "Forbidden"}')
    const result = await handler({ body, requestContext: { routeKey, eventType: 'MESSAGE', connectionId } })
    ws.send(result.body)
  })
})
wss.on('listening', () => console.log(`listening on ws://127.0.0.1:${wss.address().port}/`))
