//! `integrationUri` forms, sorted once at load time: handler names, Invoke URLs and Lambda ARNs.

use super::{IntegrationType, IntegrationUri};

/// The stage variables an integration URI refers to as `${stageVariables.name}`.
pub fn stage_variable_refs(url: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = url;
    while let Some(start) = rest.find("${stageVariables.") {
        let after = &rest[start + "${stageVariables.".len()..];
        let Some(end) = after.find('}') else { break };
        names.push(after[..end].to_string());
        rest = &after[end..];
    }
    names
}

/// Sorts an integrationUri into the forms wsgate invokes, in the order they are tried.
pub fn classify_uri(uri: &str, kind: IntegrationType) -> Result<IntegrationUri, String> {
    let is_url = uri.starts_with("http://") || uri.starts_with("https://");
    match kind {
        IntegrationType::Http | IntegrationType::HttpProxy => {
            if is_url {
                Ok(IntegrationUri::Url(uri.to_string()))
            } else {
                Err(format!("`{uri}` is not an http(s) URL"))
            }
        }
        _ if is_url => Ok(IntegrationUri::Url(uri.to_string())),
        _ => {
            if let Some(name) = lambda_function_name(uri) {
                return Ok(IntegrationUri::LambdaFunction(name));
            }
            if let Some(service) = aws_service(uri) {
                return Ok(service);
            }
            if uri.starts_with("arn:") {
                return Err(format!(
                    "`{uri}` is neither a Lambda function ARN nor an arn:aws:apigateway:REGION:SERVICE:action/... ARN"
                ));
            }
            let handler_like = !uri.is_empty()
                && uri
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_-.$/".contains(&b));
            if handler_like {
                Ok(IntegrationUri::Handler(uri.to_string()))
            } else {
                Err(format!(
                    "`{uri}` is neither a handler name, a module.function, an http(s) Invoke URL nor a Lambda ARN"
                ))
            }
        }
    }
}

/// `arn:aws:apigateway:REGION:SERVICE:action/ACTION` or `...:SERVICE:path/PATH`, for a service other than Lambda.
fn aws_service(uri: &str) -> Option<IntegrationUri> {
    let parts: Vec<&str> = uri.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "apigateway", region, service, operation]
            if *service != "lambda"
                && (operation.starts_with("action/") || operation.starts_with("path/")) =>
        {
            Some(IntegrationUri::AwsService {
                region: region.to_string(),
                service: service.to_string(),
                operation: operation.to_string(),
            })
        }
        _ => None,
    }
}

/// `arn:aws:lambda:REGION:ACCT:function:NAME[:QUALIFIER]`, or API Gateway's
/// `arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/<that ARN>/invocations`.
fn lambda_function_name(uri: &str) -> Option<String> {
    let function_arn = match uri.split_once(":lambda:path/2015-03-31/functions/") {
        Some((prefix, rest)) if prefix.starts_with("arn:") => rest.strip_suffix("/invocations")?,
        _ => uri,
    };
    let parts: Vec<&str> = function_arn.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "lambda", _, _, "function", name, ..] if !name.is_empty() => {
            Some((*name).to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_arns_give_function_names() {
        assert_eq!(
            lambda_function_name("arn:aws:lambda:us-east-1:123456789012:function:chat").as_deref(),
            Some("chat")
        );
        assert_eq!(
            lambda_function_name(
                "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:chat:live/invocations"
            )
            .as_deref(),
            Some("chat")
        );
        assert_eq!(lambda_function_name("arn:aws:sqs:us-east-1:1:q"), None);
    }

    #[test]
    fn uris_of_each_form() {
        let handler = classify_uri("app.handler", IntegrationType::Aws);
        assert_eq!(handler, Ok(IntegrationUri::Handler("app.handler".into())));
        assert!(classify_uri("arn:aws:sqs:us-east-1:1:q", IntegrationType::Aws).is_err());
        assert_eq!(
            classify_uri(
                "arn:aws:apigateway:eu-west-1:dynamodb:action/PutItem",
                IntegrationType::Aws
            ),
            Ok(IntegrationUri::AwsService {
                region: "eu-west-1".into(),
                service: "dynamodb".into(),
                operation: "action/PutItem".into()
            })
        );
        assert!(classify_uri("chat", IntegrationType::Http).is_err());
        assert_eq!(
            stage_variable_refs("http://${stageVariables.a}/${stageVariables.b}"),
            ["a", "b"]
        );
    }
}
