// The ES module entry of `wsgate`: the same objects as the CommonJS entry.
import { createRequire } from 'node:module'

const wsgate = createRequire(import.meta.url)('./index.js')

export const {
  Gateway, Server, Connections, Session, simulate, check, LambdaContext,
  GatewayError, ConfigError, SessionError, RegistrationError, ManagementError, GoneException, PayloadTooLargeException, LimitExceededException,
} = wsgate
export default wsgate
