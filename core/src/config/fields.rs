//! The fields AWS's apigatewayv2 API has for each object of a definition: what a definition may contain. A field
//! outside these is `unknown_field`, with the nearest of them as a suggestion.

pub(super) const API_FIELDS: &[&str] = &[
    "name",
    "apiId",
    "region",
    "routeSelectionExpression",
    "apiKeySelectionExpression",
    "stage",
    "stageVariables",
    "settings",
    "models",
    "integrations",
    "routes",
    "description",
    "tags",
    "version",
    "protocolType",
    "disableSchemaValidation",
    "disableExecuteApiEndpoint",
    "ipAddressType",
    "authorizers",
    "apiKeys",
    "defaultRouteSettings",
    "routeSettings",
];
/// A stage's `RouteSettings`: throttling is emulated, the logging and metrics switches accepted and unused.
pub(super) const ROUTE_SETTINGS_FIELDS: &[&str] = &[
    "throttlingBurstLimit",
    "throttlingRateLimit",
    "dataTraceEnabled",
    "detailedMetricsEnabled",
    "loggingLevel",
];
pub(super) const API_KEY_FIELDS: &[&str] = &["value", "enabled", "description"];
pub(super) const SETTINGS_FIELDS: &[&str] = &[
    "maxFrameBytes",
    "maxMessageBytes",
    "idleTimeoutSeconds",
    "maxConnectionSeconds",
    "badRequestFrameLayout",
    "connectRateLimit",
];
pub(super) const MODEL_FIELDS: &[&str] = &["schema", "contentType", "description", "name"];
pub(super) const ROUTE_FIELDS: &[&str] = &[
    "target",
    "authorizationType",
    "authorizerId",
    "authorizationScopes",
    "apiKeyRequired",
    "modelSelectionExpression",
    "requestModels",
    "requestParameters",
    "routeResponseSelectionExpression",
    "routeResponses",
    "operationName",
];
pub(super) const ROUTE_RESPONSE_FIELDS: &[&str] = &[
    "modelSelectionExpression",
    "responseModels",
    "responseParameters",
];
pub(super) const INTEGRATION_FIELDS: &[&str] = &[
    "integrationType",
    "integrationUri",
    "integrationMethod",
    "integrationSubtype",
    "connectionType",
    "connectionId",
    "contentHandlingStrategy",
    "credentialsArn",
    "description",
    "passthroughBehavior",
    "payloadFormatVersion",
    "requestParameters",
    "requestTemplates",
    "templateSelectionExpression",
    "timeoutInMillis",
    "tlsConfig",
    "integrationResponses",
];
pub(super) const AUTHORIZER_FIELDS: &[&str] = &[
    "authorizerType",
    "authorizerUri",
    "identitySource",
    "name",
    "authorizerCredentialsArn",
    "authorizerPayloadFormatVersion",
    "authorizerResultTtlInSeconds",
    "enableSimpleResponses",
    "identityValidationExpression",
    "jwtConfiguration",
];
pub(super) const INTEGRATION_RESPONSE_FIELDS: &[&str] = &[
    "responseTemplates",
    "templateSelectionExpression",
    "responseParameters",
    "contentHandlingStrategy",
];
