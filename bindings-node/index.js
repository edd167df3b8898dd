// The `wsgate` package: the native addon's Gateway, Server, Connections, Session, simulate and check, plus what
// only JavaScript can do for them: calling handlers the way AWS Lambda's Node.js runtime does (sync, async, or with a
// callback), sending their management-API requests to the gateway, and the error classes the addon throws.
'use strict'

const { randomUUID } = require('node:crypto')
const http = require('node:http')
const https = require('node:https')
const { syncBuiltinESMExports } = require('node:module')
const native = require(`./${require('./platform.js')}`)

/**
 * Anything wsgate refuses or cannot do. `code` is the core's code of the error (`not_open`, ...) where it has one,
 * else the class name; `data` carries the details.
 */
class GatewayError extends Error {
  constructor(message, data = {}) {
    super(message)
    this.name = new.target.name
    this.code = data.code ?? new.target.name
    this.data = data
  }
}

/** A definition with problems: `data.problems` lists every one, each `{ path, code, message, file, line }`. */
class ConfigError extends GatewayError {}

/** A simulated connection cannot run a step; `code` says why (`not_a_step`, `not_open`, ...). */
class SessionError extends GatewayError {}

/** A handler cannot serve what it was registered for; `code` says why (`not_lambda`, ...). */
class RegistrationError extends GatewayError {}

/** A failed `@connections` call, shaped like the aws-sdk's service exceptions (the core gives the status). */
class ManagementError extends GatewayError {
  constructor(message, data) {
    super(message, data)
    this.$fault = 'client'
    this.$metadata = { httpStatusCode: data.httpStatusCode }
  }
}

/** The connection is closed, never existed, or its `$connect` has not finished (HTTP 410). */
class GoneException extends ManagementError {}

/** Posted data over 131072 bytes (HTTP 413). */
class PayloadTooLargeException extends ManagementError {}

/** The client is not reading its messages and is being closed (HTTP 429). */
class LimitExceededException extends ManagementError {}

const ERRORS = {
  GatewayError, ConfigError, SessionError, RegistrationError,
  ManagementError, GoneException, PayloadTooLargeException, LimitExceededException,
}

const SETTLE = Symbol('settle')
const DEADLINE = Symbol('deadline')
const REGION = Symbol('region')
const MEMORY = Symbol('memory')
const VALUES = Symbol('values')

/**
 * The context a handler receives, with the fields and methods of AWS Lambda's Node.js runtime. Its values are the
 * core's (`native.lambdaContext`), fetched once the handler first reads one of them, as most handlers never do.
 */
class LambdaContext {
  constructor(functionName, timeoutMs, memoryMb, region, settle) {
    this.functionName = functionName
    this.callbackWaitsForEmptyEventLoop = true
    this[DEADLINE] = Date.now() + timeoutMs
    this[REGION] = region
    this[MEMORY] = memoryMb
    this[SETTLE] = settle
  }

  get [VALUES]() {
    const values = native.lambdaContext(this.functionName, this[REGION], this[MEMORY])
    Object.defineProperty(this, VALUES, { value: values })
    return values
  }

  get functionVersion() { return this[VALUES].functionVersion }
  // A string in Lambda's Node.js runtime.
  get memoryLimitInMB() { return String(this[VALUES].memoryLimitInMB) }
  get logGroupName() { return this[VALUES].logGroupName }
  get logStreamName() { return this[VALUES].logStreamName }
  get invokedFunctionArn() { return this[VALUES].invokedFunctionArn }

  /** The invocation's id, a UUID as Lambda's; made when first read, as most handlers never do. */
  get awsRequestId() {
    const id = randomUUID()
    Object.defineProperty(this, 'awsRequestId', { value: id, enumerable: true })
    return id
  }

  /** Milliseconds left before the integration's `timeoutInMillis` ends the call. */
  getRemainingTimeInMillis() {
    return Math.max(0, this[DEADLINE] - Date.now())
  }

  // The legacy context methods of the Node.js runtime.
  done(error, result) { this[SETTLE](error, result) }
  succeed(result) { this[SETTLE](null, result) }
  fail(error) { this[SETTLE](error ?? new Error('handled')) }
}

function errorMessage(error) {
  if (error instanceof Error) return error.message || error.name
  return String(error)
}

/**
 * Calls one handler as Lambda does: a returned Promise (or thenable) is awaited; otherwise a function of three
 * parameters answers through its callback (or `context.succeed`/`fail`/`done`), and a function of fewer with what
 * it returned. The first answer wins.
 */
function invoke(handler, event, functionName, timeoutMs, memoryMb, region, answer) {
  let answered = false
  const settle = (error, result) => {
    if (answered) return
    answered = true
    if (error == null) return answer(true, result)
    console.error(`wsgate: the handler of ${functionName} failed:`, error)
    answer(false, errorMessage(error))
  }
  const context = new LambdaContext(functionName, timeoutMs, memoryMb, region, settle)
  let returned
  try {
    returned = handler(event, context, settle)
  } catch (error) {
    return settle(error ?? new Error(String(error)))
  }
  if (returned !== null && typeof returned?.then === 'function') {
    returned.then((result) => settle(null, result), (error) => settle(error ?? new Error(String(error))))
  } else if (handler.length < 3) {
    settle(null, returned)
  } // else a callback handler: what it returned is not its answer, the callback's (or the timeout) is
}

/**
 * Takes a plain result's string `body` out, leaving `null` in its place: the addon puts it back, so the body is
 * neither escaped here nor unescaped there (bindings-node/src/dispatch.rs). Returns the body, or null.
 */
function takeBody(entry) {
  const result = entry[2]
  if (!entry[1] || result === null || typeof result !== 'object' || Object.getPrototypeOf(result) !== Object.prototype ||
      typeof result.body !== 'string' || typeof result.toJSON === 'function') return null
  entry[2] = { ...result, body: null }
  return result.body
}

/**
 * Encodes `[[id, ok, resultOrMessage], ...]` and the bodies taken out of it; a result that is not JSON fails its
 * own call only.
 */
function encode(results) {
  const bodies = results.map(takeBody)
  try {
    return [JSON.stringify(results), bodies]
  } catch {
    return [JSON.stringify(results.map((entry) => {
      try {
        JSON.stringify(entry[2])
        return entry
      } catch (error) {
        const message = `the handler returned a value that is not JSON: ${errorMessage(error)}`
        console.error(`wsgate: ${message}`)
        return [entry[0], false, message]
      }
    })), bodies]
  }
}

/**
 * Returns what the addon delivers a gateway's calls to: a JSON batch of `[id, handler, timeoutMs, memoryMb,
 * functionName, event]` and each event's string `body`, taken out of it. Results go back through `complete`, as many
 * at once as are ready when the microtasks have run.
 */
function dispatcher(handlers, complete, region) {
  let results = []
  const flush = () => {
    const batch = results
    results = []
    try {
      complete(...encode(batch))
    } catch (error) {
      console.error('wsgate: could not hand results back:', error)
    }
  }
  return function deliver(batch, bodies) {
    const calls = JSON.parse(batch)
    for (let i = 0; i < calls.length; i++) {
      const [id, index, timeoutMs, memoryMb, functionName, event] = calls[i]
      if (typeof bodies[i] === 'string') event.body = bodies[i]
      invoke(handlers[index], event, functionName, timeoutMs, memoryMb, region, (ok, value) => {
        if (results.length === 0) queueMicrotask(flush)
        results.push([id, ok, value])
      })
    }
  }
}

native.setGlue(dispatcher, (kind, message, data) => new ERRORS[kind](message, data))

/**
 * The gateways serving in this process, each `{ apiId, hostname, port }`. While one serves, HTTPS requests for
 * `{apiId}.execute-api.{region}.amazonaws.com` (the management API's URL in AWS's samples) or for its own host and
 * port (`https://{domainName}/{stage}`) go to it over plain HTTP: in-process handlers' aws-sdk clients reach it
 * unchanged, with no DNS or certificate to set up (docs/behaviour.md §7). The aws-sdk calls `https.request` at each
 * request, so replacing it (and the ES module exports, by `syncBuiltinESMExports`) is enough.
 */
const serving = new Set()
const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1'])
const httpsCalls = { request: https.request, get: https.get }

function gatewayFor(options) {
  const hostname = String(options.hostname ?? options.host ?? 'localhost').replace(/^\[(.*)\]$/, '$1')
  const port = Number(options.port || 443)
  for (const gateway of serving) {
    const managementHost = hostname.startsWith(`${gateway.apiId}.execute-api.`) && hostname.endsWith('.amazonaws.com')
    const ownHost = gateway.ports.includes(port) && (LOOPBACK.has(hostname) || hostname === gateway.hostname)
    if (managementHost || ownHost) return gateway
  }
  return undefined
}

/** `https.request`'s arguments (`url[, options][, callback]` or `options[, callback]`) as options and callback. */
function requestArguments(args) {
  const callback = args.find((a) => typeof a === 'function')
  if (typeof args[0] === 'string' || args[0] instanceof URL) {
    const url = new URL(args[0])
    const fromUrl = { protocol: url.protocol, hostname: url.hostname, port: url.port, path: url.pathname + url.search }
    const extra = typeof args[1] === 'object' && args[1] !== null ? args[1] : {}
    return [{ ...fromUrl, ...extra }, callback]
  }
  return [typeof args[0] === 'object' && args[0] !== null ? args[0] : {}, callback]
}

function routed(call) {
  return function (...args) {
    const [options, callback] = requestArguments(args)
    const gateway = gatewayFor(options)
    if (gateway === undefined) return httpsCalls[call].apply(this, args)
    // Plain HTTP on the gateway's port, with Node's default agent (an HTTPS agent cannot carry it).
    const plain = { ...options, protocol: 'http:', host: undefined, hostname: gateway.hostname, port: gateway.port, agent: undefined }
    return http[call](plain, callback)
  }
}

function route(gateway) {
  if (serving.size === 0) {
    https.request = routed('request')
    https.get = routed('get')
    syncBuiltinESMExports()
  }
  serving.add(gateway)
}

function unroute(gateway) {
  if (!serving.delete(gateway) || serving.size > 0) return
  Object.assign(https, httpsCalls)
  syncBuiltinESMExports()
}

const listen = native.Gateway.prototype.listen
// Not async: the addon's synchronous errors (listening twice) stay synchronous.
native.Gateway.prototype.listen = function (options) {
  return listen.call(this, options).then(routeWhileServing)
}

function routeWhileServing(server) {
  const url = new URL(server.managementUrl)
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1')
  // Requests to either of the gateway's ports (the clients' and the management API's) go to the management API.
  const ports = [Number(url.port), Number(new URL(server.url).port)]
  const gateway = { apiId: server.apiId, hostname, port: Number(url.port), ports }
  route(gateway)
  const close = server.close
  // Routed until every client's $disconnect has run: those handlers may post to the others.
  Object.defineProperty(server, 'close', {
    value: async function () {
      try {
        return await close.call(this)
      } finally {
        unroute(gateway)
      }
    },
  })
  return server
}

module.exports = {
  Gateway: native.Gateway,
  Server: native.Server,
  Connections: native.Connections,
  Session: native.Session,
  simulate: native.simulate,
  check: native.check,
  LambdaContext,
  ...ERRORS,
}
