/* Generated from wsgate's Rust types by core/src/contract_types.rs: do not edit. The shapes of the values the API
   takes and returns as plain objects, the same in every language. */

/** What the authorizer step decided, for the trace. */
export interface AuthorizerStep {
  id: string
  /** Each identity source and the value the handshake gave it (empty when missing). */
  identity?: Record<string, unknown>
  /** The event the authorizer got; absent when an identity source was missing and it was not called. */
  request?: unknown
  /** `Allow` or `Deny`, once the authorizer has answered with a policy. */
  effect: string | null
  /** What the authorizer answered (its policy, principalId and context), when it answered with a result. */
  answer?: unknown
  /** The handshake status it refused with (401, 403, 500); absent when it allowed. */
  status: number | null
  reason: string
  /** What `$context.authorizer` and `requestContext.authorizer` hold from now on, when it allowed. */
  context: Record<string, unknown> | null
}

/** The close frame a client sends. */
export interface ClientClose {
  code: number
  reason?: string
}

export interface Close {
  code: number
  reason: string
}

/** Why the gateway closes a connection, with its close code and reason beside it. */
export type CloseCause = "frame_too_large" | "message_too_large" | "binary_frame" | "invalid_utf8" | "idle_timeout" | "max_duration_reached" | "server_shutdown" | "protocol_error" | "deleted_by_backend" | "client_not_reading"

export interface Handshake {
  status: number
  subprotocol: string | null
}

/** Headers, query string parameters and path parameters for the integration request (docs/behaviour.md §5.2). */
export interface IntegrationParameters {
  header?: Record<string, string>
  querystring?: Record<string, string>
  path?: Record<string, string>
}

/** An integration's `integrationType`; the variant's name in SCREAMING_SNAKE_CASE is the wire name (`AWS_PROXY`). */
export type IntegrationType = "AWS_PROXY" | "AWS" | "HTTP_PROXY" | "HTTP" | "MOCK"

/** An integration call the caller must make. */
export interface Invocation {
  id: string
  type: IntegrationType
  /** The Lambda proxy event (AWS_PROXY), or the body to send: the rendered template or the raw message. */
  request: unknown
  /** The integration's `requestParameters`, evaluated: what HTTP and AWS service calls add to their request. */
  parameters?: IntegrationParameters
}

/** The integration response that was selected, and the status it was selected by. */
export interface ResponseChoice {
  key: string | null
  status: number
}

/** A route selection expression and its value for one message (`value` is null when the message is not JSON). */
export interface RouteSelection {
  expression: string
  value: string | null
}

/**
 * The options of `simulate` in every language (`wsgate route`'s flags, Python's keyword arguments, Node's and the
 * WebAssembly build's option objects): what the simulated integration does, and how the message is sent.
 */
export interface SimulateOptions {
  /**
   * What the integration returns: a Lambda result (AWS_PROXY, AWS), or {"statusCode", "headers", "body"} for
   * HTTP and HTTP_PROXY.
   */
  result?: unknown
  /** The Lambda function fails with this errorMessage. */
  functionError?: string | null
  /** The integration times out. */
  timeout?: boolean
  /** Send the message as this many frames (one text frame, then continuations). */
  fragments?: number | null
  /** Send the message as a binary frame. */
  binary?: boolean
}

/** The model check of one message. */
export interface Validation {
  model: string | null
  valid: boolean
  errors: Array<string>
}

/** The trace of one step. Its top-level keys are a contract shared by every language. */
export interface Trace {
  routeKey: string | null
  /** Message steps only: why `routeKey` was chosen. */
  selection?: RouteSelection | null
  validation: Validation | null
  integration: Invocation | null
  integrationResponse: ResponseChoice | null
  send: Array<string>
  close: Close | null
  /** Connect steps only: the HTTP status of the handshake and the subprotocol chosen. */
  handshake?: Handshake | null
  /** Connect steps of a `$connect` with an authorizer: its event and what it decided. */
  authorizer?: AuthorizerStep | null
}

/**
 * One step of a simulated connection, as `tests/vectors` write it (`tests/vectors/schema.json` describes it):
 * one action, `padTo` for a message, and the step's options beside it. Any other key is an error, but for the
 * vectors' `expect` and `absent`, which are the tests' own and ignored here.
 */
export type Step = {
  /** Append spaces to the message up to this many bytes. */
  padTo?: number
  /** Fixed ids for this step, so a trace can be compared byte for byte. */
  requestId?: string | null
  messageId?: string | null
  /**
   * Connect steps: what `$connect`'s authorizer does (`{"result": {...}}`, `{"functionError": "Unauthorized"}`,
   * `{"timeout": true}`); without it, it allows with principalId `user`.
   */
  authorizer?: SimulateOptions | null
  /**
   * What the integration returns: a Lambda result (AWS_PROXY, AWS), or {"statusCode", "headers", "body"} for
   * HTTP and HTTP_PROXY.
   */
  result?: unknown
  /** The Lambda function fails with this errorMessage. */
  functionError?: string | null
  /** The integration times out. */
  timeout?: boolean
  /** Send the message as this many frames (one text frame, then continuations). */
  fragments?: number | null
  /** Send the message as a binary frame. */
  binary?: boolean
} & ({
  connect: boolean
} | {
  message: string
} | {
  close: CloseCause
} | {
  disconnect: ClientClose | null
})

/** How the simulated client connects; every field has a deterministic default. */
export interface SessionOptions {
  connectionId?: string | null
  connectedAt?: number | null
  sourceIp?: string | null
  userAgent?: string | null
  domainName?: string | null
  /** Extra handshake headers, in order. */
  headers?: Record<string, unknown>
  /** The raw query string, e.g. `a=1&a=2&b=3`. */
  query?: string | null
  /** Seed of the request and message ids. */
  seed?: number | null
  /**
   * The access key whose SigV4 signature the handshake carries, as the gateway checked it: what an `AWS_IAM`
   * `$connect` needs. Without it the handshake is unsigned.
   */
  accessKey?: string | null
}

/**
 * The options of `simulate` in every language (`wsgate route`'s flags, Python's keyword arguments, Node's and the
 * WebAssembly build's option objects): what the simulated integration does, and how the message is sent.
 */
export interface SimulateOptions {
  /**
   * What the integration returns: a Lambda result (AWS_PROXY, AWS), or {"statusCode", "headers", "body"} for
   * HTTP and HTTP_PROXY.
   */
  result?: unknown
  /** The Lambda function fails with this errorMessage. */
  functionError?: string | null
  /** The integration times out. */
  timeout?: boolean
  /** Send the message as this many frames (one text frame, then continuations). */
  fragments?: number | null
  /** Send the message as a binary frame. */
  binary?: boolean
}

/** Where and how to serve. Every field has the default `wsgate serve` has. */
export interface ServeOptions {
  /** The address to listen on. */
  host?: string
  /** 0 picks a free port; the line `listening on ws://HOST:PORT/STAGE` tells which. */
  port?: number
  /** Serve under this stage instead of the definition's. */
  stage?: string | null
  /** Where Lambda function ARNs are invoked (`sam local start-lambda`'s URL, or any Lambda Invoke API). */
  lambdaEndpoint?: string | null
  /**
   * Where AWS service integrations of SERVICE (`arn:aws:apigateway:REGION:SERVICE:…`) are sent, signed:
   * `dynamodb=http://127.0.0.1:8000` for DynamoDB Local, or any AWS-compatible endpoint. Repeatable.
   */
  awsEndpoints?: Record<string, string>
  /**
   * Verify SigV4 signatures on the @connections API against the keys of FILE, in the AWS shared credentials
   * format (`[profile]`, `aws_access_key_id`, `aws_secret_access_key`); without it, any caller is answered.
   */
  credentials?: string | null
  /**
   * Serve the @connections API only on HOST:PORT (a loopback address keeps it from the network; port 0 picks
   * a free one), not on the clients' port.
   */
  management?: string | null
  /**
   * More API keys for an `apiKeyRequired` `$connect`, from FILE in the CSV that `aws apigateway
   * import-api-keys` reads (a `Name,Key,Enabled` header, then a key a line).
   */
  apiKeys?: string | null
  /**
   * Keep the certificate of wss:// and https:// in DIR/cert.pem and DIR/key.pem (made there when missing),
   * so that clients and Lambda runtimes can trust it: AWS_CA_BUNDLE=DIR/cert.pem, NODE_EXTRA_CA_CERTS=...
   */
  tlsDir?: string | null
}

/**
 * What a local deployment of a CloudFormation/SAM template is given, as `sam deploy` would be: `wsgate
 * check|route|serve`'s flags, the Python and Node packages' `template` options. A wsgate definition ignores them.
 */
export interface TemplateOptions {
  /** The logical id of the WebSocket API to serve, when the template has several. */
  api?: string | null
  /** Parameter values, over the template's defaults (`sam deploy --parameter-overrides Name=Value ...`). */
  parameterOverrides?: Record<string, string>
  /** `AWS::StackName`; else the template's folder name (`sam init` names a project's folder after its stack). */
  stackName?: string | null
  /** `AWS::Region`; else `us-east-1`. */
  region?: string | null
  /**
   * Function environment overrides in SAM's format (`sam local --env-vars`):
   * `{"FunctionLogicalId": {"VAR": "value"}, "Parameters": {"VAR": "value for every function"}}`.
   */
  envVars?: string | null
}

/** One problem, located. */
export type Problem = {
  /** The definition's file, when it came from one. */
  file: string | null
  /** Dotted path to the offending value, e.g. `routes.sendmessage.target`; empty for the whole document. */
  path: string
  /** 1-based line in the file. */
  line: number | null
  /** Human-readable text of `kind`. */
  message: string
} & ({
  code: "io"
  detail: string
} | {
  code: "syntax_error"
  detail: string
} | {
  code: "unknown_field"
  field: string
  suggestion: string | null
} | {
  code: "missing_field"
  field: string
} | {
  code: "invalid_type"
  expected: string
} | {
  code: "invalid_value"
  detail: string
} | {
  code: "out_of_range"
  value: number
  min: number
  max: number
} | {
  code: "dangling_target"
  target: string
  known: string
} | {
  code: "unknown_model"
  model: string
} | {
  code: "invalid_selection_expression"
  detail: string
} | {
  code: "invalid_template"
  detail: string
  templateLine: number
  templateColumn: number
} | {
  code: "invalid_schema"
  detail: string
} | {
  code: "invalid_integration_uri"
  detail: string
} | {
  code: "unsupported_feature"
  field: string
  default: string
} | {
  code: "unknown_intrinsic"
  name: string
} | {
  code: "dangling_reference"
  name: string
  suggestion: string | null
} | {
  code: "reference_cycle"
  name: string
  through: string
} | {
  code: "not_local"
  detail: string
} | {
  code: "no_api"
  detail: string
})

/**
 * The context's values that do not change during a call; the request id and the remaining time are the binding's,
 * as they are made when read.
 */
export interface LambdaContextValues {
  /** The integration's id: the function's name. */
  functionName: string
  functionVersion: string
  invokedFunctionArn: string
  memoryLimitInMB: number
  logGroupName: string
  logStreamName: string
}

/** Why a simulated connection cannot run a step: a SessionError's code. */
export type SessionErrorCode = "not_a_step" | "invalid_options" | "already_connected" | "connect_rejected" | "not_open" | "not_connected" | "unfinished_message" | "pad_too_long"

/** Why a handler cannot serve what it was registered for: a RegistrationError's code. */
export type RegistrationErrorCode = "unknown_integration" | "not_lambda" | "not_a_route_key" | "unknown_authorizer"
