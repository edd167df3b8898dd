// wsgate in the Node benchmark: the Python benchmark's api.yaml served in-process, with serverless-offline's echo
// handler (the same function every server of this benchmark calls) as its integration.
import { fileURLToPath } from 'node:url'
import { Gateway } from 'wsgate'
import handler from '../serverless-offline/handler.js'

const gw = new Gateway(fileURLToPath(new URL('../python/api.yaml', import.meta.url)))
gw.integration('echo', handler.echo)
const server = await gw.listen({ port: 0 })
console.log(`listening on ${server.url}`)
process.on('SIGTERM', () => server.close())
