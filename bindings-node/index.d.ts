/* The types `index.js` defines itself; napi appends the addon's types below. The values passed as plain objects
   (Trace, Step, SessionOptions, SimulateOptions, ServeOptions, Problem) are the core's, in contract.d.ts. */
import type {
  Problem, RegistrationErrorCode, ServeOptions, SessionErrorCode, SessionOptions, SimulateOptions, Step,
  TemplateOptions, Trace,
} from './contract'
export * from './contract'

/** An API definition: a path to a YAML or JSON file, YAML or JSON text, or the definition as an object. */
export type Definition = string | Record<string, unknown>

/** The Lambda-proxy event a handler receives (API Gateway's `APIGatewayProxyWebsocketEventV2` shape). */
export interface WebSocketEvent {
  requestContext: {
    routeKey: string
    eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT'
    connectionId: string
    domainName: string
    stage: string
    apiId: string
    requestId: string
    extendedRequestId: string
    messageId?: string
    messageDirection: 'IN'
    connectedAt: number
    requestTimeEpoch: number
    requestTime: string
    identity: { sourceIp: string; userAgent?: string }
    disconnectStatusCode?: number
    disconnectReason?: string
    authorizer?: Record<string, unknown>
    [key: string]: unknown
  }
  body?: string
  isBase64Encoded: boolean
  headers?: Record<string, string>
  multiValueHeaders?: Record<string, string[]>
  queryStringParameters?: Record<string, string>
  multiValueQueryStringParameters?: Record<string, string[]>
}

/** What a handler may answer: for proxy integrations `{ statusCode, body, headers }`; anything JSON otherwise. */
export type HandlerResult =
  | { statusCode?: number; body?: string; headers?: Record<string, string>; isBase64Encoded?: boolean }
  | Record<string, unknown>
  | null
  | undefined
  | void

/** Lambda's callback: `callback(null, result)` answers, `callback(error)` fails the call. */
export type Callback = (error?: unknown, result?: HandlerResult) => void

/** An integration: sync, async (or returning any Promise), or answering through the legacy callback. */
export type Handler = (
  event: WebSocketEvent,
  context: LambdaContext,
  callback: Callback,
) => HandlerResult | Promise<HandlerResult>

/** The context a handler receives, as AWS Lambda's Node.js runtime gives it. */
export declare class LambdaContext {
  readonly functionName: string
  readonly functionVersion: string
  readonly memoryLimitInMB: string
  readonly logGroupName: string
  readonly logStreamName: string
  callbackWaitsForEmptyEventLoop: boolean
  readonly awsRequestId: string
  readonly invokedFunctionArn: string
  getRemainingTimeInMillis(): number
  done(error?: unknown, result?: HandlerResult): void
  succeed(result?: HandlerResult): void
  fail(error: unknown): void
}

/**
 * Anything wsgate refuses or cannot do. `code` is the core's code of the error (`not_open`, ...) where it has one,
 * else the class name; `data` carries the details.
 */
export declare class GatewayError extends Error {
  readonly code: string
  readonly data: Record<string, unknown>
}

/** A simulated connection cannot run a step; `code` says why. */
export declare class SessionError extends GatewayError {
  readonly code: SessionErrorCode
  readonly data: { code: SessionErrorCode }
}

/** A handler cannot serve the integration or route it was registered for; `code` says why. */
export declare class RegistrationError extends GatewayError {
  readonly code: RegistrationErrorCode
  readonly data: { code: RegistrationErrorCode }
}

/** A definition with problems: `data.problems` lists every one. */
export declare class ConfigError extends GatewayError {
  readonly data: { problems: Problem[] }
}

/** A failed `@connections` call, shaped like the aws-sdk's service exceptions. */
export declare class ManagementError extends GatewayError {
  readonly data: { connectionId: string; httpStatusCode: number }
  readonly $fault: 'client'
  readonly $metadata: { httpStatusCode: number }
}

/** The connection is closed, never existed, or its `$connect` has not finished (HTTP 410). */
export declare class GoneException extends ManagementError {}

/** Posted data over 131072 bytes (HTTP 413). */
export declare class PayloadTooLargeException extends ManagementError {}

/** The client is not reading its messages and is being closed (HTTP 429). */
export declare class LimitExceededException extends ManagementError {}

/** The `@connections` API in-process: `post`, `get` and `delete`, as the aws-sdk's management client answers. */
export declare class Connections {
  /**
   * PostToConnection: sends `data` to the client (a string, or UTF-8 bytes, as a text frame; other bytes as a
   * binary frame).
   */
  post(connectionId: string, data: string | Uint8Array): Promise<void>
  /** GetConnection: `{ ConnectedAt, Identity: { SourceIp, UserAgent }, LastActiveAt }`. */
  get(connectionId: string): Promise<ConnectionInfo>
  /** DeleteConnection: closes the client with 1000; its `$disconnect` follows. */
  delete(connectionId: string): Promise<void>
}

/** An API Gateway WebSocket API, from a definition, with JavaScript functions as its Lambda integrations. */
export declare class Gateway {
  /**
   * A wsgate definition or a CloudFormation/SAM template, deployed with `template` (its API, parameter
   * overrides, stack name and region, as `wsgate serve`'s flags give them).
   */
  constructor(definition: Definition, template?: TemplateOptions)
  /**
   * Serves an authorizer of the definition with `handler`: it gets the authorizer event and returns the
   * policy (or throws `Unauthorized`), as a Lambda authorizer does.
   */
  authorizer(authorizerId: string, handler: Handler): this
  /** Serves an AWS_PROXY or AWS integration of the definition with `handler`. */
  integration(integrationId: string, handler: Handler): this
  /**
   * Serves a route with `handler`; a route the definition lacks is added (one-way, with an AWS_PROXY
   * integration of its own).
   */
  route(routeKey: string, handler: Handler): this
  /** Serves `$connect`: return `{ statusCode: 200 }` (or nothing) to accept, another status to refuse. */
  onConnect(handler: Handler): this
  /** Serves `$disconnect`; what it returns is ignored, as on AWS. */
  onDisconnect(handler: Handler): this
  /** Serves `$default`, the route of messages no other route matches. */
  default(handler: Handler): this
  /** The `@connections` API in-process, answering as the aws-sdk's management client does. */
  get connections(): Connections
  /**
   * Starts serving; resolves once the gateway accepts connections (`port: 0` picks a free port). `options` are
   * the core's `ServeOptions`: unknown keys are an error.
   */
  listen(options?: ServeOptions): Promise<Server>
}

/** A listening gateway: where clients connect, and how to stop it. */
export declare class Server {
  /** `ws://HOST:PORT/STAGE`, where clients connect (`wss://` works on the same port). */
  get url(): string
  /** `http://HOST:PORT/STAGE`: the `endpoint` of an aws-sdk `ApiGatewayManagementApiClient`. */
  get managementUrl(): string
  /** The API's id: handlers reach this gateway at `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`. */
  get apiId(): string
  /** The certificate `wss://` and `https://` are served with, PEM. */
  get certificatePem(): string | null
  get connections(): Connections
  /** Closes every client with 1001, runs their `$disconnect` handlers, and stops; later calls do nothing. */
  close(): Promise<void>
}

/** One simulated connection: `step(step)` runs a step written as in `tests/vectors` and returns its trace. */
export declare class Session {
  constructor(definition: Definition, options?: SessionOptions, template?: TemplateOptions)
  step(step: Step): Trace
}

/**
 * Every problem of a definition, each `{ code, path, line, file, message, ... }` as the core serializes it; an
 * empty array when it loads. Only a definition that is not a path, text or object throws.
 */
export declare function check(definition: Definition, template?: TemplateOptions): Problem[]

/** What `connections.get` resolves to, as the aws-sdk's `GetConnectionCommand`. */
export interface ConnectionInfo {
  ConnectedAt: Date
  Identity: Identity
  LastActiveAt: Date
}

export interface Identity {
  SourceIp: string
  UserAgent?: string
}

/**
 * What the gateway does with one message on a new simulated connection, as the trace (docs/architecture.md).
 * `options` are the core's `SimulateOptions` (in contract.d.ts): unknown keys are a `SessionError`.
 */
export declare function simulate(definition: Definition, message: string, options?: SimulateOptions, template?: TemplateOptions): Trace
