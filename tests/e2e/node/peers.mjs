// What the Node end-to-end tests start and connect: `wsgate serve`, the Lambda runtime of handlers.mjs, `ws` clients.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import assert from 'node:assert/strict'
import WebSocket from 'ws'

export const root = fileURLToPath(new URL('../../..', import.meta.url))
const binary = process.env.WSGATE_BIN ?? `${root}/target/debug/wsgate`

/** Starts a program that prints `listening on URL` once it serves; resolves with the URL and a `stop()`. */
export async function start (command, args, options = {}) {
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], ...options })
  const [line] = await once(createInterface({ input: child.stdout }), 'line')
  assert.match(line, /^listening on /)
  return {
    url: line.split(' ').at(-1),
    async stop () {
      child.kill('SIGTERM')
      const [code] = await once(child, 'exit')
      assert.equal(code, 0)
    },
  }
}

export function serve (args, options) {
  return start(binary, ['serve', ...args, '--port', '0'], { ...options, stdio: ['ignore', 'pipe', 'ignore'] })
}

/** Opens a client and resolves once it is connected; `next()` resolves with the next text message. */
export async function connect (url, options) {
  const ws = new WebSocket(url, options)
  const queue = []
  const waiting = []
  ws.on('message', (data) => (waiting.length ? waiting.shift()(data.toString()) : queue.push(data.toString())))
  await once(ws, 'open')
  ws.next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve)))
  return ws
}
