// `wsgate` (cli.js, what `npx wsgate` runs): serving a module's functions with --handlers to ws clients, and a
// handler string that names no function. Its check/route output against the binary's is tested from an installed
// tarball in tests/dist.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { connect } from './helpers.mjs'

const cli = new URL('../cli.js', import.meta.url).pathname
const API = `
name: cli
routeSelectionExpression: $request.body.action
integrations:
  greeter: { integrationType: AWS_PROXY, integrationUri: greetings.handler }
routes:
  greet: { target: integrations/greeter, routeResponseSelectionExpression: $default }
  shout: { target: integrations/greeter, routeResponseSelectionExpression: $default }
`

function project (files) {
  const dir = mkdtempSync(join(tmpdir(), 'wsgate-cli-'))
  for (const [name, text] of Object.entries({ 'api.yaml': API, ...files })) writeFileSync(join(dir, name), text)
  return dir
}

/**
 * Runs `wsgate ...args` in `cwd`; resolves with `{ url, child, exited, stderr() }` once it listens, or
 * `{ code, stderr }` if it exits.
 */
async function start (cwd, ...args) {
  const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk) => { stderr += chunk })
  const exited = once(child, 'exit')
  for await (const line of createInterface({ input: child.stdout })) {
    const listening = line.match(/^listening on (ws:\/\/\S+)$/)
    if (listening) return { url: listening[1], child, exited, stderr: () => stderr }
  }
  const [code] = await exited
  return { code, stderr }
}

test('--handlers MODULE binds its exports named after integration ids', async () => {
  const dir = project({
    'handlers.mjs': "export const greeter = async (event) => ({ statusCode: 200, body: 'hi ' + JSON.parse(event.body).name })\n",
  })
  const { url, child, exited } = await start(dir, 'serve', 'api.yaml', '--handlers', './handlers.mjs', '--port', '0')
  try {
    const ws = await connect(url)
    assert.equal(await ws.ask({ action: 'greet', name: 'Ana' }), 'hi Ana')
    ws.close()
  } finally {
    child.kill('SIGTERM')
    assert.deepEqual(await exited, [0, null])
  }
})

test('--handlers DIR binds handler strings to CommonJS files as Lambda finds them', async () => {
  const dir = project({})
  const lambdas = join(dir, 'lambdas')
  mkdirSync(lambdas)
  writeFileSync(join(lambdas, 'greetings.cjs'), "exports.handler = (event, context, callback) => callback(null, { statusCode: 200, body: context.functionName })\n")
  const { url, child, exited } = await start(dir, 'serve', 'api.yaml', '--handlers', 'lambdas', '--port', '0')
  try {
    const ws = await connect(url)
    assert.equal(await ws.ask({ action: 'shout' }), 'greeter')
    ws.close()
  } finally {
    child.kill('SIGTERM')
    assert.deepEqual(await exited, [0, null])
  }
})

test('a handler string naming no function exits 1 and says which', async () => {
  const dir = project({ 'greetings.mjs': 'export const other = () => {}\n' })
  const { code, stderr } = await start(dir, 'serve', 'api.yaml', '--handlers', '.', '--port', '0')
  assert.equal(code, 1)
  assert.match(stderr, /greetings\.handler is not a function/)
})

const TEMPLATE = readFileSync(new URL('../../tests/fixtures/greeter-template.yaml', import.meta.url), 'utf8')

test('a CloudFormation template is served as it is, its integrations bound by logical id', async () => {
  const dir = project({
    'template.yaml': TEMPLATE,
    'handlers.mjs': "export const Caller = async (event, context) => ({ statusCode: 200, body: context.invokedFunctionArn })\n",
  })
  const { url, child, exited } = await start(dir, 'serve', 'template.yaml', '--region', 'eu-west-1', '--handlers', './handlers.mjs', '--port', '0')
  try {
    const ws = await connect(url)
    assert.equal(await ws.ask({ action: 'whoami' }), 'arn:aws:lambda:eu-west-1:123456789012:function:caller')
    assert.equal(await ws.ask({ action: 'greet' }), 'hello from greet')
    ws.close()
  } finally {
    child.kill('SIGTERM')
    assert.deepEqual(await exited, [0, null])
  }
  const broken = await start(dir, 'check', 'template.yaml', '--parameter-overrides', 'Greting=hi')
  assert.equal(broken.code, 1)
  assert.match(broken.stderr, /^template\.yaml:5: Parameters: --parameter-overrides names `Greting`/)
})

const FUNCTIONS = `
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      RouteSelectionExpression: $request.body.action
      Routes:
        greet: { FunctionArn: !GetAtt Greeter.Arn, RouteResponseSelectionExpression: $default }
        inline: { FunctionArn: !GetAtt Inline.Arn, RouteResponseSelectionExpression: $default }
        java: { FunctionArn: !GetAtt Java.Arn }
  Greeter:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: fns/
      Handler: src/greet.handler
      MemorySize: 1024
      Environment: { Variables: { GREETING: hola } }
  Inline:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/none
      Code:
        ZipFile: |
          exports.handler = async (event, context) => ({ statusCode: 200, body: context.functionName + ' ' + context.getRemainingTimeInMillis() })
  Java:
    Type: AWS::Serverless::Function
    Properties: { Runtime: java21, Handler: app.Handler::handleRequest, CodeUri: java/ }
`

test("a SAM template's Node functions run in-process as the template says; others are named", async () => {
  const dir = project({ 'template.yaml': FUNCTIONS })
  mkdirSync(join(dir, 'fns', 'src'), { recursive: true })
  writeFileSync(join(dir, 'fns', 'src', 'greet.mjs'),
    'export const handler = async (event, context) => ({ statusCode: 200, body: `${process.env.GREETING} ${context.memoryLimitInMB}` })\n')
  const { url, child, exited, stderr } = await start(dir, 'serve', 'template.yaml', '--port', '0')
  try {
    const ws = await connect(url)
    assert.equal(await ws.ask({ action: 'greet' }), 'hola 1024')
    const [name, left] = (await ws.ask({ action: 'inline' })).split(' ')
    assert.equal(name, 'Inline')
    assert.ok(Number(left) > 2000 && Number(left) <= 3000, left) // Lambda's default Timeout, 3 s
    ws.close()
  } finally {
    child.kill('SIGTERM')
    assert.deepEqual(await exited, [0, null])
  }
  assert.match(stderr(), /function Java \(java21, app\.Handler::handleRequest\): nowhere: this package runs another runtime; give --lambda-endpoint/)
})
