// A step's card: what API Gateway did, from the engine's trace — the route and why, $connect's authorizer,
// validation, the integration request, the backend's answer, the integration response, and what the client receives.
import { $, code, h, pre } from './dom.js'

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

function authorizerOf({ authorizer }) {
  if (!authorizer) return null
  const { id, identity, request, answer, effect, status, reason, context } = authorizer
  const verdict = status
    ? h('span', { className: 'invalid' }, `refused with ${status}`)
    : h('span', { className: 'valid' }, 'allowed')
  return [
    code(id), ' ', verdict, effect ? ` · policy ${effect}` : '', ` · ${reason}`,
    identity ? h('div', {}, 'identity sources: ', pre(identity)) : '',
    request ? h('div', {}, 'its event: ', pre(request)) : '',
    answer ? h('div', {}, 'its answer: ', pre(answer)) : '',
    context ? h('div', {}, 'context of every later event: ', pre(context)) : '',
  ]
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

export function showStep(title, sent, { trace, backend }) {
  const rows = [
    ['route', 'route', routeWhy(trace)],
    ['authorizer', 'authorizer', authorizerOf(trace)],
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

export function describeFrames(options, bytes) {
  if (options.binary) return 'a binary frame'
  if (options.fragments) return `${options.fragments} fragments`
  return `${bytes} bytes in one text frame`
}
