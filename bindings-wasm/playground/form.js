// The form's state: what the definition, message, framing, handshake, authorizer and backend fields hold, the
// defaults, and the URL hash that keeps the whole case, so that a link reproduces it.
import examples from './pkg/examples.js'
import { $, setStatus } from './dom.js'
import { FUNCTION_TIME_LIMIT_MS } from './workers.js'

const MAX_LINK_CHARS = 1_000_000

const DEFAULT_FUNCTION = `// A Lambda handler: the integration request is its event.
async (event) => {
  const { routeKey, connectionId } = event.requestContext
  return { statusCode: 200, body: JSON.stringify({ routeKey, connectionId, got: event.body ?? null }) }
}`
const DEFAULT_AUTHORIZER = `// A Lambda REQUEST authorizer: the event has the handshake's headers, query string and methodArn.
async (event) => {
  const token = event.queryStringParameters?.token ?? ''
  if (token === '') throw new Error('Unauthorized')
  const effect = token.startsWith('user-') ? 'Allow' : 'Deny'
  return {
    principalId: token,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: event.methodArn }] },
    context: { plan: 'pro' },
  }
}`
const DEFAULT_RESULT = '{"statusCode": 200, "body": "hello from the backend"}'
export const defaults = {
  definition: examples.chat,
  message: '{"action":"sendmessage","message":"hi"}',
  frames: 'text',
  n: 40000,
  backend: 'function',
  function: DEFAULT_FUNCTION,
  result: DEFAULT_RESULT,
  query: '',
  headers: '',
  authorizer: 'allow',
  authorizerFunction: DEFAULT_AUTHORIZER,
}

export function readState() {
  return {
    definition: $('definition').value,
    message: $('message').value,
    frames: $('frames').value,
    n: Number($('n').value),
    backend: document.querySelector('input[name=backend]:checked').value,
    function: $('function').value,
    result: $('result').value,
    query: $('query').value,
    headers: $('headers').value,
    authorizer: document.querySelector('input[name=authorizer]:checked').value,
    authorizerFunction: $('authorizer-function').value,
  }
}

export function applyState(state) {
  $('definition').value = state.definition
  $('message').value = state.message
  $('frames').value = state.frames
  $('n').value = state.n
  document.querySelector(`input[name=backend][value=${state.backend}]`).checked = true
  $('function').value = state.function
  $('result').value = state.result
  $('query').value = state.query
  $('headers').value = state.headers
  document.querySelector(`input[name=authorizer][value=${state.authorizer}]`).checked = true
  $('authorizer-function').value = state.authorizerFunction
  showAuthorizer()
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
export function decode(hash) {
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
    if (!['allow', 'function'].includes(state.authorizer)) state.authorizer = 'allow'
    return state
  } catch {
    return null
  }
}

let saveTimer
export function save() {
  clearTimeout(saveTimer)
  saveTimer = setTimeout(saveNow, 150)
}

export function saveNow() {
  clearTimeout(saveTimer)
  const hash = encode(readState())
  if (hash.length > MAX_LINK_CHARS) {
    setStatus('this case is too large to keep in a link')
    return
  }
  history.replaceState(null, '', `#${hash}`)
}

export function showBackend() {
  const kind = document.querySelector('input[name=backend]:checked').value
  $('function').hidden = kind !== 'function'
  $('result').hidden = kind !== 'result'
  $('backend-help').textContent = {
    function: `(event, context) => result, sync or async, or a module exporting handler. It runs in a Worker and gets ${FUNCTION_TIME_LIMIT_MS / 1000} s, as a Lambda function with that timeout.`,
    result: 'What the integration returns: a Lambda result, or {"statusCode", "headers", "body"} for HTTP integrations.',
    timeout: 'Every call times out, as an integration past its timeoutInMillis.',
  }[kind]
}

export function showAuthorizer() {
  $('authorizer-function').hidden = document.querySelector('input[name=authorizer]:checked').value !== 'function'
}

export function showFrames() {
  $('n-label').hidden = !['fragments', 'padTo'].includes($('frames').value)
}
