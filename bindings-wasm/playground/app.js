// The route playground: an API definition, a simulated client and a simulated backend, and for every step what
// API Gateway would do, as wsgate's engine (engine.js, WebAssembly in a Worker) traces it. The whole state lives
// in the URL hash, so a link reproduces a case.
import examples from './pkg/examples.js'

const FUNCTION_TIME_LIMIT_MS = 1000
const LOAD_TIME_LIMIT_MS = 10_000
const ENGINE_TIME_LIMIT_MS = 5000
const MAX_LINK_CHARS = 1_000_000
const MAX_GUTTER_LINES = 5000
const MAX_SHOWN_CHARS = 2000

const DEFAULT_FUNCTION = `// A Lambda handler: the integration request is its event.
async (event) => {
  const { routeKey, connectionId } = event.requestContext
  return { statusCode: 200, body: JSON.stringify({ routeKey, connectionId, got: event.body ?? null }) }
}`
const DEFAULT_RESULT = '{"statusCode": 200, "body": "hello from the backend"}'
const defaults = {
  definition: examples.chat,
  message: '{"action":"sendmessage","message":"hi"}',
  frames: 'text',
  n: 40000,
  backend: 'function',
  function: DEFAULT_FUNCTION,
  result: DEFAULT_RESULT,
}

const $ = (id) => document.getElementById(id)
const editor = $('definition')

/** A DOM element; children are nodes or strings (always text, never HTML). */
function h(tag, props = {}, ...children) {
  const element = Object.assign(document.createElement(tag), props)
  element.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false))
  return element
}
const code = (text) => h('code', {}, text)
const shown = (text) => (text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}… (${text.length} characters)` : text)
const pre = (value, props = {}) => h('pre', props, shown(typeof value === 'string' ? value : JSON.stringify(value, null, 2)))

/** The engine worker: every call has a time limit, after which (or after a trap) a fresh worker takes over. */
class Engine {
  constructor(onRestart) {
    this.onRestart = onRestart
    this.lastId = 0
    this.start()
  }

  start() {
    this.calls = new Map()
    this.worker = new Worker(new URL('engine.js', import.meta.url), { type: 'module' })
    this.worker.onmessage = ({ data }) => {
      const call = this.calls.get(data.id)
      if (!call) return
      this.calls.delete(data.id)
      clearTimeout(call.timer)
      if (data.fatal) this.restart(data.error.message)
      if ('error' in data) call.reject(Object.assign(new Error(data.error.message), data.error))
      else call.resolve(data.value)
    }
    this.worker.onerror = (event) => this.restart(`the engine stopped: ${event.message ?? 'it failed to start'}`)
  }

  restart(reason) {
    this.worker.terminate()
    for (const call of this.calls.values()) {
      clearTimeout(call.timer)
      call.reject(new Error(reason))
    }
    this.start()
    this.onRestart(reason)
  }

  call(method, ...args) {
    return new Promise((resolve, reject) => {
      const id = ++this.lastId
      const timer = setTimeout(
        () => this.restart(`the engine took longer than ${ENGINE_TIME_LIMIT_MS / 1000} s on this input and was stopped`),
        ENGINE_TIME_LIMIT_MS,
      )
      this.calls.set(id, { resolve, reject, timer })
      this.worker.postMessage({ id, method, args })
    })
  }
}

/**
 * Runs the user's function on one event in a throwaway Worker, terminated when its time is up. As with Lambda, the
 * time limit counts from the call: loading the code (a module's top level) has a limit of its own.
 */
function runFunction(source, event, context) {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('function-worker.js', import.meta.url), { type: 'module' })
    const done = (answer) => {
      clearTimeout(timer)
      worker.terminate()
      resolve(answer)
    }
    const loadFailed = { error: { type: 'Error', message: `the code did not load within ${LOAD_TIME_LIMIT_MS / 1000} s` } }
    let timer = setTimeout(() => done(loadFailed), LOAD_TIME_LIMIT_MS)
    worker.onmessage = ({ data }) => {
      if (!data.called) return done(data)
      clearTimeout(timer)
      timer = setTimeout(() => done({ timedOut: true }), FUNCTION_TIME_LIMIT_MS)
    }
    worker.onerror = (event) => done({ error: { type: 'Error', message: event.message } })
    worker.postMessage({ source, event, context: { ...context, timeLimitMs: FUNCTION_TIME_LIMIT_MS } })
  })
}

// --- state and the URL hash ---

function readState() {
  return {
    definition: editor.value,
    message: $('message').value,
    frames: $('frames').value,
    n: Number($('n').value),
    backend: document.querySelector('input[name=backend]:checked').value,
    function: $('function').value,
    result: $('result').value,
  }
}

function applyState(state) {
  editor.value = state.definition
  $('message').value = state.message
  $('frames').value = state.frames
  $('n').value = state.n
  document.querySelector(`input[name=backend][value=${state.backend}]`).checked = true
  $('function').value = state.function
  $('result').value = state.result
  showBackend()
  showFrames()
}

function encode(state) {
  const bytes = new TextEncoder().encode(JSON.stringify(state))
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

/** The state a hash holds, each field checked against the defaults' type; null when there is none. */
function decode(hash) {
  if (hash.length < 2) return null
  try {
    const binary = atob(hash.slice(1).replaceAll('-', '+').replaceAll('_', '/'))
    const parsed = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))))
    const state = { ...defaults }
    for (const key of Object.keys(defaults)) {
      if (typeof parsed[key] === typeof defaults[key]) state[key] = parsed[key]
    }
    if (!['text', 'fragments', 'padTo', 'binary'].includes(state.frames)) state.frames = 'text'
    if (!['function', 'result', 'timeout'].includes(state.backend)) state.backend = 'function'
    return state
  } catch {
    return null
  }
}

let saveTimer
function save() {
  clearTimeout(saveTimer)
  saveTimer = setTimeout(saveNow, 150)
}

function saveNow() {
  clearTimeout(saveTimer)
  const hash = encode(readState())
  if (hash.length > MAX_LINK_CHARS) {
    setStatus('this case is too large to keep in a link')
    return
  }
  history.replaceState(null, '', `#${hash}`)
}

// --- the definition: live problems ---

let problemLines = new Map()

function drawGutter() {
  const lines = Math.min(editor.value.split('\n').length, MAX_GUTTER_LINES)
  const gutter = $('gutter')
  gutter.replaceChildren(
    ...Array.from({ length: lines }, (_, i) => {
      const problem = problemLines.get(i + 1)
      return h('div', problem ? { className: 'bad', title: problem } : {}, String(i + 1))
    }),
  )
  gutter.scrollTop = editor.scrollTop
}

function selectLine(line) {
  const starts = [0]
  for (let i = 0; i < editor.value.length && starts.length < line; i++) if (editor.value[i] === '\n') starts.push(i + 1)
  const start = starts[line - 1] ?? 0
  const end = editor.value.indexOf('\n', start)
  editor.focus()
  editor.setSelectionRange(start, end < 0 ? editor.value.length : end)
}

function showProblems(problems, failure) {
  problemLines = new Map()
  const list = $('problems')
  if (failure) {
    list.replaceChildren(h('div', { className: 'problem' }, failure))
  } else if (problems.length === 0) {
    list.replaceChildren(h('div', { className: 'ok' }, 'The definition loads: no problems.'))
  } else {
    for (const p of problems) if (p.line) problemLines.set(p.line, `${p.path}: ${p.message}`)
    list.replaceChildren(
      ...problems.map((p) =>
        h(
          'div',
          { className: 'problem', onclick: () => p.line && selectLine(p.line) },
          p.line ? `line ${p.line} · ` : '',
          p.path ? code(p.path) : '',
          ` ${p.message} `,
          h('small', {}, `(${p.code})`),
        ),
      ),
    )
  }
  drawGutter()
}

let checking = false
let recheckWanted = false
async function recheck() {
  if (checking) {
    recheckWanted = true
    return
  }
  checking = true
  try {
    showProblems(await engine.call('check', editor.value))
  } catch (error) {
    showProblems(null, error.message)
  } finally {
    checking = false
    if (recheckWanted) {
      recheckWanted = false
      recheck()
    }
  }
}

// --- sending: the client, the backend, and what happened ---

let connected = false // a Session is open in the engine for the definition as it is now

function setStatus(text) {
  $('status').textContent = text
}

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
  const context = { functionName: call.id, awsRequestId: call.request?.requestContext?.requestId ?? '' }
  const ran = await runFunction(backend.source, event, context)
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

/** Runs one step: the engine shows the integration request first, the backend answers it, then the step runs. */
async function run(step, backend) {
  const preview = await engine.call('preview', step)
  const call = preview.integration
  if (!call || call.type === 'MOCK') return { trace: await engine.call('step', step), backend: call ? 'MOCK: its templates answer' : null }
  const answered = await answer(backend, call)
  return { trace: await engine.call('step', { ...step, ...answered.outcome }), backend: answered.shown }
}

function routeWhy(trace) {
  const { routeKey, selection, close, handshake } = trace
  if (handshake && !routeKey) return 'no $connect route: every handshake is accepted'
  if (!selection) {
    return close && !routeKey ? 'none: the gateway closed the connection before routing' : routeKey ? code(routeKey) : 'none'
  }
  const expression = code(selection.expression)
  const target = routeKey ? [' → ', code(routeKey)] : [' and there is no $default route: ', h('span', { className: 'error' }, 'Forbidden')]
  if (selection.value === null) return ['the message is not JSON, so ', expression, ' cannot be evaluated', ...target]
  const value = code(JSON.stringify(selection.value))
  if (selection.value === routeKey) return [code(routeKey), ' because ', expression, ' evaluated to ', value]
  return [expression, ' evaluated to ', value, ', which selects no route', ...target]
}

function validationOf({ validation }) {
  if (!validation) return 'none: the route has no model selection expression'
  const model = validation.model ? code(validation.model) : 'no model'
  if (validation.valid) return [model, ' ', h('span', { className: 'valid' }, 'valid')]
  return [model, ' ', h('span', { className: 'invalid' }, 'invalid'), h('ul', {}, validation.errors.map((e) => h('li', {}, e)))]
}

function requestOf({ integration, validation, close }) {
  if (!integration) {
    if (validation && !validation.valid) return 'not called: the message failed validation'
    return close ? 'not called' : 'none'
  }
  const what = {
    AWS_PROXY: 'the Lambda proxy event',
    HTTP_PROXY: 'the HTTP request body: the message as it came',
  }[integration.type] ?? 'the rendered request template'
  return [code(integration.id), ` · ${integration.type} · ${what}`, pre(integration.request)]
}

function responseOf({ integrationResponse }) {
  if (!integrationResponse) return 'none'
  const { key, status } = integrationResponse
  return [`status ${status}`, key ? [' · integration response ', code(key)] : '']
}

function receivedOf({ send, close, handshake }) {
  return [
    handshake ? h('div', {}, `HTTP ${handshake.status}${handshake.status === 101 ? ' Switching Protocols: connected' : ': the handshake is refused'}`, handshake.subprotocol ? ` (subprotocol ${handshake.subprotocol})` : '') : '',
    send.map((frame) => pre(frame, { className: 'frame' })),
    !handshake && send.length === 0 && !close ? 'nothing' : '',
    close ? h('div', { className: 'close' }, `close ${close.code} ${close.reason}`) : '',
  ]
}

function showStep(title, sent, { trace, backend }) {
  const rows = [
    ['route', 'route', routeWhy(trace)],
    ['validation', 'validation', trace.selection ? validationOf(trace) : null],
    ['integration request', 'request', requestOf(trace)],
    ['backend', 'backend', backend],
    ['integration response', 'response', responseOf(trace)],
    ['client receives', 'received', receivedOf(trace)],
  ].filter(([, , value]) => value !== null)
  const card = h(
    'article',
    { className: 'step' },
    h('h3', {}, title),
    sent,
    h('dl', {}, rows.map(([label, className, value]) => [h('dt', {}, label), h('dd', { className }, value)])),
  )
  $('log').prepend(card)
}

function describeFrames(options, bytes) {
  if (options.binary) return 'a binary frame'
  if (options.fragments) return `${options.fragments} fragments`
  return `${bytes} bytes in one text frame`
}

async function send() {
  setStatus('')
  // What was sent is what the link reproduces.
  saveNow()
  const state = readState()
  let options, backend
  try {
    options = frameOptions(state)
    backend = backendOf(state)
  } catch (error) {
    setStatus(error.message)
    return
  }
  $('send').disabled = true
  try {
    if (!connected) {
      try {
        await engine.call('open', state.definition, { connectedAt: Date.now(), seed: crypto.getRandomValues(new Uint32Array(1))[0] })
      } catch (error) {
        setStatus(error.problems ? 'the definition has problems (listed under it): fix them to send' : error.message)
        return
      }
      connected = true
      const step = await run({ connect: true }, backend)
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

function showBackend() {
  const kind = document.querySelector('input[name=backend]:checked').value
  $('function').hidden = kind !== 'function'
  $('result').hidden = kind !== 'result'
  $('backend-help').textContent = {
    function: `(event, context) => result, sync or async, or a module exporting handler. It runs in a Worker and gets ${FUNCTION_TIME_LIMIT_MS / 1000} s, as a Lambda function with that timeout.`,
    result: 'What the integration returns: a Lambda result, or {"statusCode", "headers", "body"} for HTTP integrations.',
    timeout: 'Every call times out, as an integration past its timeoutInMillis.',
  }[kind]
}

function showFrames() {
  $('n-label').hidden = !['fragments', 'padTo'].includes($('frames').value)
}

let checkTimer
editor.addEventListener('input', () => {
  connected = false
  drawGutter()
  clearTimeout(checkTimer)
  checkTimer = setTimeout(recheck, 100)
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
await recheck()
performance.mark('first-render')
document.documentElement.dataset.ready = 'true'
// A link reproduces its case: the message it holds is sent once.
if (linked) await send()
