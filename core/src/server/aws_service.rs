//! AWS service integrations (`arn:aws:apigateway:REGION:SERVICE:action/ACTION` or `…:path/PATH`): the HTTP
//! request API Gateway makes of the rendered template and the request parameters, in the service's protocol
//! (docs/behaviour.md §5.6). The invoker signs it ([`sigv4`](super::sigv4)) and sends it.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::engine::IntegrationParameters;

/// Services that speak AWS's JSON protocol: the `X-Amz-Target` prefix of their actions and their JSON version.
/// The others (SQS, SNS, ...) take the query protocol's `Action=NAME`.
const JSON_PROTOCOL: &[(&str, &str, &str)] = &[
    ("dynamodb", "DynamoDB_20120810", "1.0"),
    ("states", "AWSStepFunctions", "1.0"),
    ("kinesis", "Kinesis_20131202", "1.1"),
    ("events", "AWSEvents", "1.1"),
    ("firehose", "Firehose_20150804", "1.1"),
    ("logs", "Logs_20140328", "1.1"),
];

/// What is encoded in query strings and path parameters: all but RFC 3986's unreserved characters.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The method, path, query string and headers of one service call (the body is the rendered template).
#[derive(Debug, PartialEq, Eq)]
pub struct ServiceRequest {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
}

/// The request for `operation` of `service`, with `method` the integration's `integrationMethod`.
pub fn service_request(
    service: &str,
    operation: &str,
    method: &str,
    parameters: &IntegrationParameters,
) -> ServiceRequest {
    let mut query = Vec::new();
    let mut headers = Vec::new();
    let (method, path) = match operation.strip_prefix("action/") {
        Some(action) => match JSON_PROTOCOL.iter().find(|(name, ..)| *name == service) {
            Some((_, prefix, version)) => {
                headers.push(("X-Amz-Target".to_string(), format!("{prefix}.{action}")));
                headers.push((
                    "Content-Type".to_string(),
                    format!("application/x-amz-json-{version}"),
                ));
                ("POST", "/".to_string())
            }
            None => {
                query.push(("Action".to_string(), action.to_string()));
                (method, "/".to_string())
            }
        },
        None => {
            let path = operation.strip_prefix("path/").unwrap_or(operation);
            (method, format!("/{}", fill_path(path, &parameters.path)))
        }
    };
    query.extend(parameters.querystring.iter().cloned());
    set_headers(&mut headers, &parameters.header);
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        // API Gateway's integration requests are JSON unless a parameter says otherwise.
        headers.push(("Content-Type".into(), "application/json".into()));
    }
    ServiceRequest {
        method: method.to_string(),
        path,
        query: encode_query(&query),
        headers,
    }
}

/// Headers set by request parameters replace those of the same name.
pub fn set_headers(headers: &mut Vec<(String, String)>, set: &[(String, String)]) {
    for (name, value) in set {
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        headers.push((name.clone(), value.clone()));
    }
}

/// `{name}` placeholders of a path or URL filled with the path parameters, percent-encoded.
pub fn fill_path(path: &str, parameters: &[(String, String)]) -> String {
    let mut out = path.to_string();
    for (name, value) in parameters {
        out = out.replace(
            &format!("{{{name}}}"),
            &utf8_percent_encode(value, ENCODED).to_string(),
        );
    }
    out
}

/// `a=1&b=x%20y`, in the order given.
pub fn encode_query(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, ENCODED),
                utf8_percent_encode(v, ENCODED)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn json_protocol_actions_are_targets() {
        let request = service_request(
            "dynamodb",
            "action/PutItem",
            "GET",
            &IntegrationParameters::default(),
        );
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/");
        assert_eq!(request.query, "");
        assert_eq!(
            request.headers,
            pairs(&[
                ("X-Amz-Target", "DynamoDB_20120810.PutItem"),
                ("Content-Type", "application/x-amz-json-1.0")
            ])
        );
    }

    #[test]
    fn query_protocol_actions_and_paths_take_parameters() {
        let parameters = IntegrationParameters {
            header: pairs(&[("content-type", "application/x-www-form-urlencoded")]),
            querystring: pairs(&[
                ("TopicArn", "arn:aws:sns:us-east-1:1:t"),
                ("Message", "a b"),
            ]),
            path: pairs(&[("queue", "jobs q")]),
        };
        let publish = service_request("sns", "action/Publish", "POST", &parameters);
        assert_eq!(
            publish.query,
            "Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A1%3At&Message=a%20b"
        );
        assert_eq!(
            publish.headers,
            pairs(&[("content-type", "application/x-www-form-urlencoded")])
        );
        let send = service_request("sqs", "path/123456789012/{queue}", "POST", &parameters);
        assert_eq!(send.path, "/123456789012/jobs%20q");
        assert_eq!(send.method, "POST");
    }
}
