// The package's types, compiled with `tsc --noEmit` by types.test.mjs: what a TypeScript user writes.
import {
  ConfigError, Gateway, GoneException, RegistrationError, Session, SessionError, simulate,
  type ConnectionInfo, type Handler, type LambdaContext, type Server, type Step, type Trace, type WebSocketEvent,
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
const routeKey: string | null = trace.routeKey
const sent: string[] = trace.send
const status: number | undefined = trace.close?.code
const session = new Session('examples/chat/api.yaml', { connectionId: 'Conn0000000000A=', query: 'room=1' })
const step: Trace = session.step({ connect: true })
const steps: Step[] = [{ message: 'hi', fragments: 2 }, { close: 'idle_timeout' }, { disconnect: { code: 1000 } }]
// @ts-expect-error a trace has no routKey
void trace.routKey
// @ts-expect-error a step is one of connect, message, close or disconnect
session.step({ mesage: 'hi' })
// @ts-expect-error close causes are named
session.step({ close: 'idle' })
// @ts-expect-error simulate's options are named
simulate({ name: 'x' }, '{}', { reslut: {} })
try {
  session.step({ disconnect: null })
} catch (error) {
  if (error instanceof SessionError && error.code === 'not_open') console.log(error.message)
  // @ts-expect-error a SessionError's codes are the core's
  if (error instanceof SessionError && error.code === 'closed') console.log(error.message)
  if (error instanceof RegistrationError) console.log(error.code)
}
try {
  void new Gateway('broken.yaml')
} catch (error) {
  if (error instanceof ConfigError) console.log(error.data.problems.map((p) => `${p.path}: ${p.code}`))
}
void main()
void trace
void step
void [routeKey, sent, status, steps]
