// What the JavaScript thread pays per message in the wsgate package, step by step, against the parse a minimal `ws`
// server does: the batch's JSON.parse (one call with its Lambda event), the handler and its Promise, the result's
// JSON.stringify, each with the body inside the JSON (as the package did first) and with the body crossing apart
// (as it does now, bindings-node/src/dispatch.rs). The native side (the batch crossing as a string, the results
// parsed in Rust) is what the load generator's per-thread CPU shows beyond these.
// `node bench/node/crossing.mjs [SIZE]` (60 and 16384 by default)
const handler = async (event) => ({ statusCode: 200, body: event.body })

function message(size) {
  const head = '{"action":"echo","n":1,"pad":"'
  return head + 'x'.repeat(Math.max(0, size - head.length - 2)) + '"}'
}

// A MESSAGE event as the gateway builds it (docs/behaviour.md §6), around `body`.
function batch(body) {
  const event = {
    requestContext: {
      routeKey: 'echo', messageId: 'aBcDeFgHiJkLmNo=', eventType: 'MESSAGE', extendedRequestId: 'aBcDeFgHiJkLmNo=',
      requestTime: '08/Dec/2026:01:20:00 +0000', messageDirection: 'IN', stage: 'dev', connectedAt: 1765156800000,
      requestTimeEpoch: 1765156800123, identity: { sourceIp: '127.0.0.1' }, requestId: 'aBcDeFgHiJkLmNo=',
      domainName: '127.0.0.1:8080', connectionId: 'aBcDeFgHiJkLmNo=', apiId: 'abcdef1234',
    },
    body,
    isBase64Encoded: false,
  }
  return JSON.stringify([[1, 0, 29000, 1024, 'echo', event]])
}

async function time(label, n, step) {
  for (let i = 0; i < n / 10; i++) await step() // warm up
  const started = process.hrtime.bigint()
  for (let i = 0; i < n; i++) await step()
  const us = Number(process.hrtime.bigint() - started) / 1e3 / n
  console.log(`${label}: ${us.toFixed(2)} µs`)
}

for (const size of process.argv.slice(2).map(Number).concat(process.argv.length > 2 ? [] : [60, 16384])) {
  const body = message(size)
  const calls = batch(body)
  const apart = batch(null)
  const event = JSON.parse(calls)[0][5]
  const result = await handler(event)
  const n = size > 1000 ? 20000 : 200000
  console.log(`== ${size} B`)
  await time('ws: JSON.parse of the message', n, () => JSON.parse(body).action)
  await time('wsgate, body in the JSON: JSON.parse of the batch', n, () => JSON.parse(calls))
  await time('wsgate, body in the JSON: JSON.stringify of the result', n, () => JSON.stringify([[1, true, result]]))
  await time('wsgate, body apart: JSON.parse of the batch, the body set', n, () => {
    JSON.parse(apart)[0][5].body = body
  })
  await time('wsgate, body apart: JSON.stringify of the result', n, () =>
    JSON.stringify([[1, true, { ...result, body: null }]]))
  await time('wsgate: the handler and its Promise', n, () => handler(event))
}
