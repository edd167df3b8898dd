// The package's types, compiled with `tsc --noEmit` by types.test.mjs: what a TypeScript user writes.
import {
  ConfigError, Gateway, GoneException, Session, simulate,
  type ConnectionInfo, type Handler, type LambdaContext, type Server, type Trace, type WebSocketEvent,
} from 'wsgate'

const gw = new Gateway('examples/chat/api.yaml')

const chat: Handler = async (event: WebSocketEvent, context: LambdaContext) => {
  const id: string = event.requestContext.connectionId
  const left: number = context.getRemainingTimeInMillis()
  try {
    await gw.connections.post(id, JSON.stringify({ left, requestId: context.awsRequestId }))
  } catch (error) {
    if (error instanceof GoneException) return { statusCode: 410 }
    throw error
  }
  return { statusCode: 200, body: event.body ?? '' }
}

gw.integration('chat', chat)
  .onConnect(() => ({ statusCode: 200 }))
  .onDisconnect((event) => { console.log(event.requestContext.disconnectStatusCode) })
  .route('legacy', (event, context, callback) => callback(null, { statusCode: 200 }))

// @ts-expect-error a handler is a function
gw.route('x', 'not a function')
// @ts-expect-error listen takes options, not a port number
gw.listen(8080)

async function main (): Promise<void> {
  const server: Server = await gw.listen({ host: '127.0.0.1', port: 0 })
  const info: ConnectionInfo = await server.connections.get('XDmENcnwIE0CFEQ=')
  const since: Date = info.ConnectedAt
  console.log(server.url, server.managementUrl, since, info.Identity.SourceIp)
  await server.close()
}

const trace: Trace = simulate({ name: 'x' }, '{"action":"chat"}', { result: { statusCode: 200 } })
const step: Trace = new Session('examples/chat/api.yaml').step({ connect: true })
try {
  void new Gateway('broken.yaml')
} catch (error) {
  if (error instanceof ConfigError) console.log(error.data.problems.map((p) => `${p.path}: ${p.code}`))
}
void main()
void trace
void step
