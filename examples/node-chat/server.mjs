// The chat room of examples/chat/api.yaml served in-process by the wsgate Node package, with the Lambda functions of
// handlers.mjs as its integrations, unchanged:
//
//     npm install --prefix examples/node-chat        # builds wsgate from bindings-node, and fetches the aws-sdk
//     node examples/node-chat/server.mjs             # ws://127.0.0.1:8080/dev; --port 0 picks a free port
//
// The functions call the management API at https://{domainName}/{stage}, as on AWS: while it serves, the package
// sends those requests to the gateway, with no certificate to trust. wss:// clients trust the one kept in
// target/wsgate-tls.
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Gateway } from 'wsgate'

const api = fileURLToPath(new URL('../chat/api.yaml', import.meta.url))
const tlsDir = fileURLToPath(new URL('../../target/wsgate-tls', import.meta.url))

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' } } })
// What Lambda's runtime sets for a function, and the aws-sdk reads: a region and credentials.
process.env.AWS_REGION ??= 'us-east-1'
process.env.AWS_ACCESS_KEY_ID ??= 'local'
process.env.AWS_SECRET_ACCESS_KEY ??= 'local'
const handlers = await import('./handlers.mjs')

const gw = new Gateway(api)
gw.integration('connection', handlers.connection)
gw.integration('chat', handlers.chat)
const server = await gw.listen({ port: Number(values.port), tlsDir })
console.log(`listening on ${server.url}`)
// Closing runs every client's $disconnect; then nothing is left to keep the process alive.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close())
