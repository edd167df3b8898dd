// The README's Node example, run as a user would: it serves the chat room and answers a ws client.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { connect } from './helpers.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const readme = readFileSync(join(root, 'README.md'), 'utf8')

test('the Node example serves the chat room', async () => {
  const example = readme.match(/## Node\n[\s\S]*?```js\n([\s\S]*?)```/)[1]
  assert.ok(example.includes('gw.listen({ port: 8080 })'))
  // A project of its own that has the package installed, as `npm install ./bindings-node` leaves it.
  const project = mkdtempSync(join(tmpdir(), 'wsgate-readme-'))
  mkdirSync(join(project, 'node_modules'))
  symlinkSync(join(root, 'bindings-node'), join(project, 'node_modules', 'wsgate'))
  writeFileSync(join(project, 'example.mjs'), example.replace('gw.listen({ port: 8080 })', 'gw.listen({ port: 0 })'))
  const child = spawn(process.execPath, [join(project, 'example.mjs')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
    const { value: listening } = await lines.next()
    assert.match(listening, /^listening on ws:\/\/127\.0\.0\.1:\d+\/dev$/)
    const ws = await connect(listening.split(' ').at(-1))
    assert.equal(await ws.ask({ action: 'joinroom', room: 'lobby' }), 'welcome to lobby')
    assert.equal(await ws.ask({ action: 'sendmessage', message: 'hi' }), 'you said hi')
    const connected = (await lines.next()).value.split(' ')
    assert.equal(connected[0], 'CONNECT')
    assert.match(connected[1], /^[0-9a-f-]{36}$/) // the Lambda context's awsRequestId
    ws.close()
    assert.equal((await lines.next()).value.split(' ')[0], 'DISCONNECT')
    child.kill('SIGINT')
    const [code] = await once(child, 'exit')
    assert.equal(code, 0)
  } finally {
    child.kill()
    rmSync(project, { recursive: true })
  }
})
