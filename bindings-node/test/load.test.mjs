// Many clients at once: every message answered, to the client that sent it, nothing lost or crossed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, gateway, serving } from './helpers.mjs'

const CLIENTS = 500
const MESSAGES = 20

test(`${CLIENTS} concurrent clients with ${MESSAGES} messages each all get every answer`, async () => {
  // `echo` answers at once, `fail` (here) after a turn of the event loop: replies interleave.
  const gw = gateway((gw) => gw.integration('fail', async (event) => {
    await new Promise((resolve) => setImmediate(resolve))
    return { statusCode: 200, body: JSON.parse(event.body).text }
  }))
  await serving(gw, async (server) => {
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => connect(server.url)))
    await Promise.all(clients.map(async (ws, c) => {
      for (let m = 0; m < MESSAGES; m++) ws.send(JSON.stringify({ action: m % 2 ? 'fail' : 'echo', text: `${c}.${m}` }))
      const answers = []
      for (let m = 0; m < MESSAGES; m++) answers.push(await ws.next())
      const expected = Array.from({ length: MESSAGES }, (_, m) => (m % 2 ? `${c}.${m}` : `echo: ${c}.${m}`))
      assert.deepEqual(answers.sort(), expected.sort())
    }))
    for (const ws of clients) ws.close()
  })
})
