// The playground in Debian's Chromium, driven by playwright-core: the page as it is deployed (dist/playground, or
// the README's command), clicked and typed into as a user would. A screenshot of the last case is saved under
// bindings-wasm/test-output/.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { launch } from './chromium.mjs'

const repo = new URL('../../', import.meta.url).pathname
const output = new URL('../test-output/', import.meta.url).pathname
let server, browser

/**
 * The playground on a port the OS picks: `npm run --prefix bindings-wasm playground` (the README's command), or,
 * with PLAYGROUND_FOLDER set (scripts/test.sh sets dist/playground), that static folder as users deploy it.
 */
function servePlayground(folder = process.env.PLAYGROUND_FOLDER) {
  const command = folder
    ? ['node', ['bindings-wasm/playground/serve.mjs', '0', resolve(repo, folder)]]
    : ['npm', ['run', '--silent', '--prefix', 'bindings-wasm', 'playground', '--', '0']]
  const child = spawn(...command, { cwd: repo, detached: true, stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise((done) => child.once('exit', done))
  const close = async () => {
    process.kill(-child.pid, 'SIGTERM')
    await exited
  }
  return (async () => {
    for await (const line of createInterface({ input: child.stdout })) {
      const listening = line.match(/^playground on (http:\/\/127\.0\.0\.1:\d+\/playground\/)$/)
      if (listening) return { url: listening[1], close }
    }
    throw new Error(`the playground server exited with ${await exited} before it served`)
  })()
}

before(async () => {
  mkdirSync(output, { recursive: true })
  server = await servePlayground()
  browser = await launch()
})

after(async () => {
  await browser?.close()
  await server?.close()
})

/** A fresh page with the playground loaded and its first check shown; console errors fail the test. */
async function open(url = server.url) {
  const page = await browser.newPage()
  page.setDefaultTimeout(15_000)
  const errors = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()))
  await page.goto(url)
  await page.locator('html[data-ready=true]').waitFor()
  page.errors = errors
  return page
}

async function send(page, message, frames = 'text', n = null) {
  await page.fill('#message', message)
  await page.selectOption('#frames', frames)
  if (n !== null) await page.fill('#n', String(n))
  const sent = await page.evaluate(() => Number(document.documentElement.dataset.sent ?? 0))
  await page.click('#send')
  await page.waitForFunction((count) => Number(document.documentElement.dataset.sent) > count, sent)
  // The newest step is first; a message that closes the connection is followed by its $disconnect.
  return page.locator('.step', { has: page.locator('h3', { hasText: /^message/ }) }).first()
}

test('the chat example: route, why, event, validation and what the client receives', async () => {
  const page = await open()
  await page.click('#examples button:text-is("chat")')
  await page.locator('#problems .ok').waitFor()

  const hi = await send(page, '{"action":"sendmessage","message":"hi"}')
  const route = await hi.locator('.route').textContent()
  assert.match(route, /sendmessage because \$request\.body\.action evaluated to "sendmessage"/)
  assert.match(await hi.locator('.validation').textContent(), /Message valid/)
  const event = JSON.parse(await hi.locator('.request pre').textContent())
  assert.equal(event.requestContext.routeKey, 'sendmessage')
  assert.equal(event.requestContext.eventType, 'MESSAGE')
  assert.equal(event.body, '{"action":"sendmessage","message":"hi"}')
  // The default backend function answered, but sendmessage is one-way: the client gets nothing.
  assert.match(await hi.locator('.backend').textContent(), /your function returned/)
  assert.equal((await hi.locator('.received').textContent()).trim(), 'nothing')
  // The connection was opened first, through $connect.
  const connect = page.locator('.step', { has: page.locator('h3', { hasText: '$connect' }) })
  assert.match(await connect.locator('.received').textContent(), /HTTP 101/)
  const connectEvent = JSON.parse(await connect.locator('.request pre').textContent())
  assert.equal(connectEvent.requestContext.connectionId, event.requestContext.connectionId)

  const invalid = await send(page, '{"action":"joinroom"}')
  assert.match(await invalid.locator('.validation').textContent(), /JoinRoom invalid.*"room" is a required property/)
  assert.match(await invalid.locator('.request').textContent(), /not called: the message failed validation/)
  const frame = JSON.parse(await invalid.locator('.received pre').textContent())
  assert.equal(frame.message, 'Bad request body')
  assert.equal(frame.connectionId, event.requestContext.connectionId)

  const unknown = await send(page, 'hello')
  assert.match(await unknown.locator('.route').textContent(), /not JSON, so \$request\.body\.action cannot be evaluated → \$default/)
  assert.match(await unknown.locator('.received').textContent(), /Unknown action: use joinroom or sendmessage/)

  const big = await send(page, '{"action":"sendmessage","message":"x"}', 'padTo', 40000)
  assert.match(await big.locator('h3').textContent(), /40000 bytes/)
  assert.match(await big.locator('.received .close').textContent(), /close 1009 Message Too Big/)
  // The gateway closed the connection, so $disconnect ran with its code; the next message connects again.
  const gone = page.locator('.step').first()
  assert.match(await gone.locator('h3').textContent(), /ends \(1009\): \$disconnect/)
  const binary = await send(page, 'AAEC', 'binary')
  assert.match(await binary.locator('.received .close').textContent(), /close 1003/)
  await page.screenshot({ path: join(output, 'chat.png'), fullPage: true })

  assert.deepEqual(page.errors, [])
  await page.close()
})

test('a broken definition shows its problems with their paths and lines, and sending is refused', async () => {
  const page = await open()
  await page.click('#examples button:text-is("chat")')
  const text = await page.inputValue('#definition')
  await page.fill('#definition', text.replace('target: integrations/chat\n    modelSelectionExpression: $default\n    requestModels: { $default: Message }', 'target: integrations/chats\n    modelSelectionExpression: $default\n    requestModels: { $default: Message }'))
  const problem = page.locator('#problems .problem').first()
  await problem.waitFor()
  const shown = await problem.textContent()
  assert.match(shown, /routes\.sendmessage\.target/)
  assert.match(shown, /dangling_target/)
  const line = text.split('\n').findIndex((l) => l.includes('sendmessage:')) + 2
  assert.match(shown, new RegExp(`line ${line} `))
  assert.equal(await page.locator('#gutter .bad').textContent(), String(line))
  await page.click('#send')
  await page.locator('#status', { hasText: 'the definition has problems' }).waitFor()

  await page.fill('#definition', 'name: [')
  await page.locator('#problems .problem', { hasText: 'syntax_error' }).waitFor()
  assert.equal(await page.locator('#problems .problem').count(), 1)
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('user functions that throw or never return become Lambda function errors; the page lives on', async () => {
  const page = await open()
  await page.click('#examples button:text-is("validation")')
  const order = '{"action":"order","type":"new","item":"tea","quantity":2}'

  await page.fill('#function', 'async (event) => { throw new RangeError("out of tea") }')
  const threw = await send(page, order)
  assert.match(await threw.locator('.backend').textContent(), /threw RangeError: out of tea/)
  assert.equal(JSON.parse(await threw.locator('.received pre').textContent()).message, 'Internal server error')

  await page.fill('#function', '(event) => { for (;;) {} }')
  const looped = await send(page, order)
  assert.match(await looped.locator('.backend').textContent(), /did not return in time: Task timed out after 1.00 seconds/)
  assert.equal(JSON.parse(await looped.locator('.received pre').textContent()).message, 'Internal server error')

  await page.fill('#function', '(event) => {')
  const broken = await send(page, order)
  assert.match(await broken.locator('.backend').textContent(), /threw SyntaxError/)

  await page.fill('#function', 'export const handler = async (event) => ({ statusCode: 200, body: JSON.parse(event.body).item })')
  const answered = await send(page, order)
  assert.equal(await answered.locator('.received pre').textContent(), 'tea')
  assert.match(await answered.locator('.validation').textContent(), /NewOrder valid/)

  // The context is Lambda's, with the values the Python and Node packages give (the core's).
  await page.fill('#function', 'export const handler = async (event, context) => ({ statusCode: 200, body: JSON.stringify({ ...context, left: context.getRemainingTimeInMillis(), requestId: event.requestContext.requestId }) })')
  const context = JSON.parse(await (await send(page, order)).locator('.received pre').textContent())
  const name = context.functionName
  assert.match(context.invokedFunctionArn, new RegExp(`^arn:aws:lambda:[a-z0-9-]+:123456789012:function:${name}$`))
  assert.equal(context.logGroupName, `/aws/lambda/${name}`)
  assert.match(context.logStreamName, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/)
  assert.equal(context.functionVersion, '$LATEST')
  assert.equal(context.memoryLimitInMB, '128')
  assert.match(context.awsRequestId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  assert.notEqual(context.awsRequestId, context.requestId)
  assert.ok(context.left > 0 && context.left <= 1000, context.left)

  await page.check('input[name=backend][value=result]')
  await page.fill('#result', '{"statusCode": 200, "body": ')
  await page.click('#send')
  await page.locator('#status', { hasText: 'does not parse' }).waitFor()
  assert.deepEqual(page.errors, [])
  await page.close()
})

test("$connect's authorizer step shows its event, its verdict and the context later events carry", async () => {
  const page = await open()
  await page.fill('#definition', `name: guarded
routeSelectionExpression: $request.body.action
authorizers:
  tokens: { authorizerType: REQUEST, identitySource: [route.request.header.Host] }
integrations:
  whoami: { integrationType: AWS_PROXY }
routes:
  $connect: { target: integrations/whoami, authorizationType: CUSTOM, authorizerId: tokens }
  $default: { target: integrations/whoami }
`)
  await send(page, '{"action":"hi"}')
  const connect = page.locator('.step', { has: page.locator('h3', { hasText: '$connect' }) })
  const authorizer = await connect.locator('.authorizer').textContent()
  assert.match(authorizer, /tokens allowed · policy Allow/)
  assert.match(authorizer, /"methodArn": "arn:aws:execute-api:[a-z0-9-]+:123456789012:[a-z0-9]+\/dev\/\$connect"/)
  assert.match(authorizer, /context of every later event/)
  assert.deepEqual(page.errors, [])
  await page.close()
})

test("the user's authorizer function reads the handshake's token: Deny is 403, Allow passes its context on", async () => {
  const page = await open()
  await page.fill('#definition', `name: guarded
routeSelectionExpression: $request.body.action
authorizers:
  tokens: { authorizerType: REQUEST, identitySource: [route.request.querystring.token] }
integrations:
  whoami: { integrationType: AWS_PROXY }
routes:
  $connect: { target: integrations/whoami, authorizationType: CUSTOM, authorizerId: tokens }
  $default: { target: integrations/whoami }
`)
  await page.check('input[name=authorizer][value=function]')
  const connectStep = () => page.locator('.step', { has: page.locator('h3', { hasText: '$connect' }) }).first()
  await page.fill('#query', 'token=guest')
  await send(page, '{"action":"hi"}')
  const denied = await connectStep().locator('.authorizer').textContent()
  assert.match(denied, /tokens refused with 403 · policy Deny/)
  assert.match(denied, /"route\.request\.querystring\.token": "guest"/)
  assert.match(denied, /"Effect": "Deny"/)
  assert.match(await connectStep().locator('.received').textContent(), /HTTP 403/)

  await page.fill('#query', 'token=user-ann')
  const message = await send(page, '{"action":"hi"}')
  assert.match(await connectStep().locator('.authorizer').textContent(), /tokens allowed · policy Allow/)
  // The message's event carries what the authorizer allowed with.
  const request = await message.locator('.request').textContent()
  assert.match(request, /"principalId": "user-ann"/)
  assert.match(request, /"plan": "pro"/)

  await page.fill('#query', '')
  await send(page, '{"action":"hi"}')
  assert.match(await connectStep().locator('.authorizer').textContent(), /refused with 401 · the identity source route\.request\.querystring\.token is missing/)
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('the URL hash holds the whole case: a link shows the same trace', async () => {
  const page = await open()
  await page.click('#examples button:text-is("mock-templates")')
  await page.check('input[name=backend][value=timeout]')
  const greeted = await send(page, '{"action":"greet","name":"Ana","lang":"fr"}', 'fragments', 3)
  assert.match(await greeted.locator('h3').textContent(), /3 fragments/)
  assert.match(await greeted.locator('.response').textContent(), /status 202 · integration response \/202\//)
  const expected = await greeted.locator('.received').textContent()
  assert.match(expected, /bonjour Ana/)
  const link = page.url()

  const again = await open(link)
  await again.locator('.step', { has: again.locator('h3', { hasText: /^message/ }) }).waitFor()
  assert.equal(await again.inputValue('#message'), '{"action":"greet","name":"Ana","lang":"fr"}')
  assert.equal(await again.locator('input[name=backend]:checked').inputValue(), 'timeout')
  assert.equal(await again.locator('.step .received').first().textContent(), expected)
  await again.screenshot({ path: join(output, 'playground.png'), fullPage: true })
  const firstRender = await again.evaluate(() => performance.getEntriesByName('first-render')[0]?.startTime)
  console.log(`first render: ${Math.round(firstRender)} ms after navigation`)
  assert.deepEqual(page.errors, [])
  assert.deepEqual(again.errors, [])
  await page.close()
  await again.close()
})

async function servesOnlyThePage(url) {
  const page = await fetch(url)
  assert.match(page.headers.get('content-type'), /text\/html/)
  assert.match(await page.text(), /wsgate route playground/)
  const wasm = await fetch(new URL('pkg/wsgate_wasm_bg.wasm', url))
  assert.equal(wasm.headers.get('content-type'), 'application/wasm')
  const outside = ['../src/lib.rs', '../Cargo.toml', '../../README.md', 'pkg/%2F..%2F..%2FREADME.md', 'serve.mjs']
  for (const path of outside) assert.equal((await fetch(new URL(path, url))).status, 404, path)
}

test('the server serves the page and the WebAssembly, and nothing else', () => servesOnlyThePage(server.url))

test("the README's command serves the playground from the repository", async () => {
  const readme = await servePlayground(null)
  try {
    await servesOnlyThePage(readme.url)
  } finally {
    await readme.close()
  }
})

test('huge definitions and messages are handled in the page, never freezing it', async () => {
  const page = await open()
  await page.fill('#definition', `name: big\nroutes: {}\nnotes: "${'x'.repeat(3_000_000)}"\n`)
  await page.locator('#problems .problem', { hasText: 'notes' }).waitFor()
  await page.locator('#status', { hasText: 'too large to keep in a link' }).waitFor()
  await page.click('#examples button:text-is("echo")')
  await page.locator('#problems .ok').waitFor()
  const huge = await send(page, 'x'.repeat(5_000_000))
  assert.match(await huge.locator('.received .close').textContent(), /close 1009/)
  assert.ok((await huge.locator('.sent').textContent()).length < 3000, 'a huge message is shown cut short')
  const echoed = await send(page, '{"action":"echo"}')
  assert.equal(await echoed.locator('.received pre').textContent(), '{"action":"echo"}')
  assert.deepEqual(page.errors, [])
  await page.close()
})
