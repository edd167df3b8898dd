// The chat room of examples/chat/api.yaml served in-process by the wsgate Node package, with the Lambda functions of
// handlers.mjs as its integrations, unchanged:
//
//     npm install --prefix examples/node-chat        # builds wsgate from bindings-node, and fetches the aws-sdk
//     node examples/node-chat/server.mjs             # ws://127.0.0.1:8080/dev; --port 0 picks a free port
//
// The functions call the management API at https://{domainName}/{stage}: wsgate serves TLS on the same port, with a
// certificate kept in target/wsgate-tls that this process trusts through NODE_EXTRA_CA_CERTS.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Gateway } from 'wsgate'

const api = fileURLToPath(new URL('../chat/api.yaml', import.meta.url))
const tlsDir = fileURLToPath(new URL('../../target/wsgate-tls', import.meta.url))
const certificate = `${tlsDir}/cert.pem`
const signals = ['SIGINT', 'SIGTERM']

if (process.env.NODE_EXTRA_CA_CERTS !== certificate) {
  // Node reads the certificates it trusts once, at start: make the gateway's certificate, then run again trusting it.
  await (await new Gateway(api).listen({ port: 0, tlsDir })).close()
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: certificate }
  // In a process group of its own, so that a Ctrl-C reaches it once, from here, and not also from the terminal: a
  // second signal arriving while it exits would kill it.
  const child = spawn(process.execPath, process.argv.slice(1), { stdio: 'inherit', env, detached: true })
  for (const signal of signals) process.on(signal, () => child.kill(signal))
  child.on('exit', (code) => process.exit(code ?? 1))
} else {
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
  for (const signal of signals) process.on(signal, () => server.close())
}
