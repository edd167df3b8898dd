//! AWS Signature Version 4: the `Authorization` header API Gateway puts on the requests of an AWS service
//! integration (docs/behaviour.md §5.6), computed as every AWS SDK computes it.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use ring::{digest, hmac};

/// What signs a request: an access key, its secret, and the session token of temporary credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl Credentials {
    /// The process's `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, else placeholders that
    /// local AWS-compatible endpoints accept (docs/behaviour.md §5.6).
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
            (Some(access_key_id), Some(secret_access_key)) => Self {
                access_key_id,
                secret_access_key,
                session_token: var("AWS_SESSION_TOKEN"),
            },
            _ => Self {
                access_key_id: "local".into(),
                secret_access_key: "local".into(),
                session_token: None,
            },
        }
    }
}

/// One request to sign. `path` and `query` are as they go on the wire (percent-encoded).
pub struct Request<'a> {
    pub method: &'a str,
    pub host: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    /// Headers besides `Host`; all are signed.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

/// The unreserved characters of RFC 3986, the only ones SigV4 leaves unencoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The headers to add to `request`: `X-Amz-Date`, `X-Amz-Security-Token` for temporary credentials, and
/// `Authorization`, signed for `service` in `region` at `epoch_ms`.
pub fn sign(
    request: &Request<'_>,
    region: &str,
    service: &str,
    credentials: &Credentials,
    epoch_ms: u64,
) -> Vec<(String, String)> {
    let (year, month, day, hour, minute, second, _) = crate::engine::civil(epoch_ms);
    let date = format!("{year:04}{month:02}{day:02}");
    let amz_date = format!("{date}T{hour:02}{minute:02}{second:02}Z");
    let mut added = vec![("X-Amz-Date".to_string(), amz_date.clone())];
    if let Some(token) = &credentials.session_token {
        added.push(("X-Amz-Security-Token".into(), token.clone()));
    }

    let mut headers: Vec<(String, String)> = std::iter::once(("host", request.host))
        .chain(
            request
                .headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        )
        .chain(added.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map(|(k, v)| (k.to_ascii_lowercase(), collapse_spaces(v)))
        .collect();
    headers.sort();
    let signed_headers = headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let canonical_request = [
        request.method,
        &canonical_path(request.path),
        &canonical_query(request.query),
        &canonical_headers,
        &signed_headers,
        &hex(digest::digest(&digest::SHA256, request.body).as_ref()),
    ]
    .join("\n");

    let scope = format!("{date}/{region}/{service}/aws4_request");
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex(digest::digest(&digest::SHA256, canonical_request.as_bytes()).as_ref())
    );
    let secret = format!("AWS4{}", credentials.secret_access_key);
    let key = [date.as_str(), region, service, "aws4_request"]
        .iter()
        .fold(secret.into_bytes(), |key, part| mac(&key, part.as_bytes()));
    let signature = hex(&mac(&key, string_to_sign.as_bytes()));
    added.push((
        "Authorization".into(),
        format!(
            "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
            credentials.access_key_id
        ),
    ));
    added
}

fn mac(key: &[u8], data: &[u8]) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data)
        .as_ref()
        .to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Header values are trimmed, inner runs of spaces collapsed to one.
fn collapse_spaces(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Each segment of the wire path encoded once more, as SigV4 asks of every service but S3.
fn canonical_path(path: &str) -> String {
    if path.is_empty() {
        return "/".into();
    }
    path.split('/')
        .map(|segment| utf8_percent_encode(segment, UNRESERVED).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// Query pairs decoded, re-encoded with SigV4's rules and sorted.
fn canonical_query(query: &str) -> String {
    let encode = |part: &str| {
        let decoded = percent_decode_str(&part.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned();
        utf8_percent_encode(&decoded, UNRESERVED).to_string()
    };
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (encode(k), encode(v))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Credentials {
        Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: None,
        }
    }

    /// 2015-08-30T12:36:00Z, the time of AWS's SigV4 test suite.
    const SUITE_TIME_MS: u64 = 1_440_938_160_000;

    #[test]
    fn the_test_suites_get_vanilla() {
        let request = Request {
            method: "GET",
            host: "example.amazonaws.com",
            path: "/",
            query: "",
            headers: &[],
            body: b"",
        };
        let added = sign(&request, "us-east-1", "service", &example(), SUITE_TIME_MS);
        assert_eq!(added[0], ("X-Amz-Date".into(), "20150830T123600Z".into()));
        assert_eq!(
            added[1].1,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    /// The value botocore's `SigV4Auth` gives the same request, credentials and time.
    #[test]
    fn a_post_with_a_query_headers_and_a_session_token() {
        let headers = [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("X-Amz-Target", "A.B"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()));
        let request = Request {
            method: "POST",
            host: "127.0.0.1:4566",
            path: "/123456789012/q",
            query: "Action=SendMessage&b=x%20y",
            headers: &headers,
            body: b"MessageBody=hi",
        };
        let credentials = Credentials {
            access_key_id: "k".into(),
            secret_access_key: "s".into(),
            session_token: Some("tok".into()),
        };
        let added = sign(&request, "eu-west-1", "sqs", &credentials, SUITE_TIME_MS);
        assert_eq!(added[1], ("X-Amz-Security-Token".into(), "tok".into()));
        assert_eq!(
            added[2].1,
            "AWS4-HMAC-SHA256 Credential=k/20150830/eu-west-1/sqs/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, \
             Signature=dadaa17238c97c304ec390657dda4d06a0f3defdbe7e31d3db22fd56aa5183d6"
        );
    }

    #[test]
    fn query_and_headers_are_canonical() {
        assert_eq!(canonical_query("b=2&a=x%20y&a=1"), "a=1&a=x%20y&b=2");
        assert_eq!(canonical_path("/a b/%2F"), "/a%20b/%252F");
        assert_eq!(collapse_spaces("  a   b "), "a b");
    }
}
