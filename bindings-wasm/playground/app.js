// The route playground: an API definition, a simulated client and a simulated backend, and for every step what
// API Gateway would do, as wsgate's engine (engine.js, WebAssembly in a Worker) traces it. The whole state lives
// in the URL hash, so a link reproduces a case. This module is the client, the authorizer and the backend, and wires
// the page.
import examples from './pkg/examples.js'
import { $, h, pre, setStatus } from './dom.js'
import { applyState, decode, defaults, readState, save, saveNow, showAuthorizer, showBackend, showFrames } from './form.js'
import { drawGutter, recheck } from './problems.js'
import { describeFrames, showStep } from './trace.js'
import { Engine, FUNCTION_TIME_LIMIT_MS, runFunction } from './workers.js'

const editor = $('definition')
let connected = false // a Session is open in the engine for the definition as it is now

function frameOptions(state) {
  if (state.frames === 'text') return {}
  if (state.frames === 'binary') return { binary: true }
  if (!Number.isInteger(state.n) || state.n < 1 || state.n > 4194304) {
    throw new Error('N must be a whole number from 1 to 4194304')
  }
  return { [state.frames]: state.n }
}

function backendOf(state) {
  if (state.backend === 'timeout') return { kind: 'timeout' }
  if (state.backend === 'function') return { kind: 'function', source: state.function }
  try {
    return { kind: 'result', result: state.result.trim() === '' ? null : JSON.parse(state.result) }
  } catch (error) {
    throw new Error(`the backend's JSON result does not parse: ${error.message}`)
  }
}

/** The handshake's session options: its query string and its headers, one `Name: value` per line. */
function handshakeOf(state) {
  const headers = {}
  for (const line of state.headers.split('\n')) {
    if (line.trim() === '') continue
    const colon = line.indexOf(':')
    if (colon < 1) throw new Error(`a handshake header is "Name: value", not "${line}"`)
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim()
  }
  return state.query === '' ? { headers } : { headers, query: state.query.replace(/^\?/, '') }
}

/** What the backend answers to one integration call, as step options, and how to show it. */
async function answer(backend, call) {
  if (backend.kind === 'timeout') return { outcome: { timeout: true }, shown: 'never answers: the integration times out' }
  if (backend.kind === 'result') return { outcome: { result: backend.result }, shown: ['the JSON result', pre(backend.result)] }
  let event = call.request
  if (call.type === 'AWS' && typeof event === 'string') {
    try {
      event = JSON.parse(event)
    } catch {}
  }
  return runAnswer(backend.source, event, call.id)
}

/** Runs the user's function (the backend's or the authorizer's) on one event, as Lambda would. */
async function runAnswer(source, event, functionName) {
  const ran = await runFunction(source, event, await engine.call('lambdaContext', functionName))
  if (ran.timedOut) {
    const message = `Task timed out after ${(FUNCTION_TIME_LIMIT_MS / 1000).toFixed(2)} seconds`
    return { outcome: { functionError: message }, shown: h('span', { className: 'error' }, `your function did not return in time: ${message}`) }
  }
  if (ran.error) {
    return {
      outcome: { functionError: ran.error.message },
      shown: h('span', { className: 'error' }, `your function threw ${ran.error.type}: ${ran.error.message}`),
    }
  }
  return { outcome: { result: ran.result }, shown: ['your function returned', pre(ran.result)] }
}

/**
 * Runs one step: the engine shows the integration request first, the backend answers it, then the step runs. On
 * $connect the user's authorizer function, when chosen, answers the authorizer's event before that.
 */
async function run(step, backend, authorizer = null) {
  if (authorizer) {
    const called = (await engine.call('preview', step)).authorizer
    if (called?.request) step = { ...step, authorizer: (await runAnswer(authorizer, called.request, called.id)).outcome }
  }
  const preview = await engine.call('preview', step)
  const call = preview.integration
  if (!call || call.type === 'MOCK') return { trace: await engine.call('step', step), backend: call ? 'MOCK: its templates answer' : null }
  const answered = await answer(backend, call)
  return { trace: await engine.call('step', { ...step, ...answered.outcome }), backend: answered.shown }
}

async function send() {
  setStatus('')
  // What was sent is what the link reproduces.
  saveNow()
  const state = readState()
  let options, backend, handshake
  try {
    options = frameOptions(state)
    backend = backendOf(state)
    handshake = handshakeOf(state)
  } catch (error) {
    setStatus(error.message)
    return
  }
  $('send').disabled = true
  try {
    if (!connected) {
      try {
        const seed = crypto.getRandomValues(new Uint32Array(1))[0]
        await engine.call('open', state.definition, { connectedAt: Date.now(), seed, ...handshake })
      } catch (error) {
        setStatus(error.problems ? 'the definition has problems (listed under it): fix them to send' : error.message)
        return
      }
      connected = true
      const step = await run({ connect: true }, backend, state.authorizer === 'function' ? state.authorizerFunction : null)
      showStep('a new connection: $connect', null, step)
      if (step.trace.handshake?.status !== 101) {
        connected = false
        return
      }
    }
    const bytes = new TextEncoder().encode(state.message).length
    const padded = options.padTo ? Math.max(options.padTo, bytes) : bytes
    const step = await run({ message: state.message, ...options }, backend)
    showStep(`message · ${describeFrames(options, padded)}`, pre(state.message, { className: 'sent' }), step)
    if (step.trace.close) await disconnect()
  } catch (error) {
    setStatus(error.message)
  } finally {
    $('send').disabled = false
    // How many sends have finished: what a test waits on.
    document.documentElement.dataset.sent = Number(document.documentElement.dataset.sent ?? 0) + 1
  }
}

/** The connection ends (the client's close, or after the gateway's): $disconnect runs. */
async function disconnect(close = null) {
  if (!connected) {
    setStatus('not connected: the next message opens a connection')
    return
  }
  connected = false
  const step = await run({ disconnect: close }, backendOf(readState()))
  const code = step.trace.integration?.request?.requestContext?.disconnectStatusCode
  showStep(`the connection ends${code ? ` (${code})` : ''}: $disconnect`, null, step)
}

// --- wiring ---

const engine = new Engine((reason) => {
  connected = false
  setStatus(reason)
})

let checkTimer
editor.addEventListener('input', () => {
  connected = false
  drawGutter()
  clearTimeout(checkTimer)
  checkTimer = setTimeout(() => recheck(engine), 100)
})
editor.addEventListener('scroll', () => ($('gutter').scrollTop = editor.scrollTop))
for (const name of Object.keys(examples)) {
  $('examples').append(
    h('button', { type: 'button', onclick: () => {
      editor.value = examples[name]
      editor.dispatchEvent(new Event('input', { bubbles: true }))
    } }, name),
  )
}
for (const radio of document.querySelectorAll('input[name=backend]')) radio.addEventListener('change', showBackend)
for (const radio of document.querySelectorAll('input[name=authorizer]')) radio.addEventListener('change', showAuthorizer)
// A new handshake takes a new connection.
for (const field of ['query', 'headers']) $(field).addEventListener('input', () => (connected = false))
$('frames').addEventListener('change', showFrames)
$('send').addEventListener('click', send)
$('disconnect').addEventListener('click', () => disconnect({ code: 1000, reason: '' }).catch((e) => setStatus(e.message)))
$('clear').addEventListener('click', () => $('log').replaceChildren())
$('message').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) send()
})
document.body.addEventListener('input', save)
document.body.addEventListener('change', save)

const linked = decode(location.hash)
applyState(linked ?? defaults)
drawGutter()
await recheck(engine)
performance.mark('first-render')
document.documentElement.dataset.ready = 'true'
// A link reproduces its case: the message it holds is sent once.
if (linked) await send()
