// The wsgate-wasm npm tarball of scripts/dist.sh (WSGATE_DIST, default dist/), installed into a fresh `npm init -y`
// folder outside the clone as a user installs it, then imported from Node and from a plain <script type=module>
// page in Chromium.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { launch } from './chromium.mjs'

const repo = new URL('../../', import.meta.url).pathname
const dist = resolve(repo, process.env.WSGATE_DIST ?? 'dist')
const version = readFileSync(join(repo, 'Cargo.toml'), 'utf8').match(/^version = "(.+)"$/m)[1]
const chat = readFileSync(join(repo, 'examples/chat/api.yaml'), 'utf8')
let project

before(() => {
  const tarball = readdirSync(dist).find((name) => name === `wsgate-wasm-${version}.tgz`)
  assert.ok(tarball, `no wsgate-wasm-${version}.tgz in ${dist}: run scripts/dist.sh`)
  project = mkdtempSync(join(tmpdir(), 'wsgate-wasm-user-'))
  execFileSync('npm', ['init', '-y'], { cwd: project, stdio: 'ignore' })
  execFileSync('npm', ['install', '--no-audit', '--no-fund', join(dist, tarball)], { cwd: project, stdio: 'ignore' })
})

after(() => project && rmSync(project, { recursive: true, force: true }))

test('imported from Node, initialised with its bytes, it checks and simulates', () => {
  const script = `
    import { readFileSync } from 'node:fs'
    import { createRequire } from 'node:module'
    import { initSync, check, simulate } from 'wsgate-wasm'
    initSync({ module: readFileSync(createRequire(import.meta.url).resolve('wsgate-wasm/wsgate_wasm_bg.wasm')) })
    const definition = readFileSync(process.argv[2], 'utf8')
    const trace = simulate(definition, '{"action":"sendmessage","message":"hi"}', { result: { statusCode: 200 } })
    console.log(JSON.stringify({ problems: check(definition), broken: check('name: x\\nroutes: {}\\n').length, routeKey: trace.routeKey }))
  `
  writeFileSync(join(project, 'use.mjs'), script)
  const out = execFileSync('node', ['use.mjs', join(repo, 'examples/chat/api.yaml')], { cwd: project, encoding: 'utf8' })
  const { problems, broken, routeKey } = JSON.parse(out)
  assert.deepEqual(problems, [])
  assert.ok(broken > 0)
  assert.equal(routeKey, 'sendmessage')
})

test('imported by a plain <script type=module> page in Chromium, it checks and simulates', async () => {
  writeFileSync(join(project, 'index.html'), `<!doctype html><title>wsgate-wasm</title><pre id=out></pre>
    <script type=module>
      import init, { check, simulate } from './node_modules/wsgate-wasm/wsgate_wasm.js'
      await init()
      const definition = ${JSON.stringify(chat)}
      const trace = simulate(definition, '{"action":"sendmessage","message":"hi"}', { result: { statusCode: 200 } })
      document.getElementById('out').textContent = JSON.stringify({ problems: check(definition), routeKey: trace.routeKey })
    </script>`)
  const server = spawn('node', [join(repo, 'bindings-wasm/playground/serve.mjs'), '0', project], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const browser = await launch()
  try {
    let url
    for await (const line of createInterface({ input: server.stdout })) {
      url = line.match(/^playground on (\S+)$/)?.[1]
      if (url) break
    }
    assert.ok(url, 'the static server did not start')
    const page = await browser.newPage()
    const errors = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(url)
    await page.locator('#out:not(:empty)').waitFor({ timeout: 15_000 })
    assert.deepEqual(JSON.parse(await page.locator('#out').textContent()), { problems: [], routeKey: 'sendmessage' })
    assert.deepEqual(errors, [])
  } finally {
    await browser.close()
    server.kill()
  }
})
