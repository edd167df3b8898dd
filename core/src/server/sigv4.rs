//! AWS Signature Version 4, computed as every AWS SDK computes it: the `Authorization` header API Gateway puts on
//! the requests of an AWS service integration (docs/behaviour.md §5.6), and the check of a signed request to the
//! `@connections` API against the access keys given to the gateway (docs/behaviour.md §7).

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
    let amz_date = amz_date(epoch_ms);
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
    let scope = Scope {
        date: amz_date[..8].to_string(),
        region: region.to_string(),
        service: service.to_string(),
    };
    let signed = signing(
        request,
        &headers,
        &amz_date,
        &scope,
        &credentials.secret_access_key,
    );
    added.push((
        "Authorization".into(),
        format!(
            "AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}",
            credentials.access_key_id,
            scope.text(),
            signed.signed_headers,
            signed.signature
        ),
    ));
    added
}

/// `20150830T123600Z`.
fn amz_date(epoch_ms: u64) -> String {
    let (year, month, day, hour, minute, second, _) = crate::engine::civil(epoch_ms);
    format!("{year:04}{month:02}{day:02}T{hour:02}{minute:02}{second:02}Z")
}

/// A credential scope: `20150830/us-east-1/execute-api`.
struct Scope {
    date: String,
    region: String,
    service: String,
}

impl Scope {
    fn text(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.date, self.region, self.service
        )
    }
}

/// A request's canonical form, what is signed of it, and the signature.
struct Signing {
    canonical_request: String,
    string_to_sign: String,
    signed_headers: String,
    signature: String,
}

/// Signs `request` with `headers` (lowercase names, sorted) as its signed headers.
fn signing(
    request: &Request<'_>,
    headers: &[(String, String)],
    amz_date: &str,
    scope: &Scope,
    secret: &str,
) -> Signing {
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
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{}\n{}",
        scope.text(),
        hex(digest::digest(&digest::SHA256, canonical_request.as_bytes()).as_ref())
    );
    let key = [
        scope.date.as_str(),
        &scope.region,
        &scope.service,
        "aws4_request",
    ]
    .iter()
    .fold(format!("AWS4{secret}").into_bytes(), |key, part| {
        mac(&key, part.as_bytes())
    });
    let signature = hex(&mac(&key, string_to_sign.as_bytes()));
    Signing {
        canonical_request,
        string_to_sign,
        signed_headers,
        signature,
    }
}

/// The access keys a gateway accepts signatures of (`--credentials`): access key id → secret access key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessKeys(pub std::collections::HashMap<String, String>);

impl AccessKeys {
    /// Reads the AWS shared credentials file format (`~/.aws/credentials`): every profile's
    /// `aws_access_key_id` and `aws_secret_access_key`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut keys = std::collections::HashMap::new();
        let mut profile: Option<(Option<String>, Option<String>)> = None;
        let mut finish = |profile: Option<(Option<String>, Option<String>)>| match profile {
            Some((Some(id), Some(secret))) => {
                keys.insert(id, secret);
                Ok(())
            }
            Some((Some(id), None)) => Err(format!("access key {id} has no aws_secret_access_key")),
            Some((None, Some(_))) => {
                Err("a profile has a secret but no aws_access_key_id".to_string())
            }
            _ => Ok(()),
        };
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if line.starts_with('[') && line.ends_with(']') {
                finish(profile.take())?;
                profile = Some((None, None));
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(format!(
                    "line {}: expected KEY = VALUE or [profile]",
                    number + 1
                ));
            };
            let entry = profile.get_or_insert((None, None));
            match key.trim() {
                "aws_access_key_id" => entry.0 = Some(value.trim().to_string()),
                "aws_secret_access_key" => entry.1 = Some(value.trim().to_string()),
                _ => {}
            }
        }
        finish(profile)?;
        if keys.is_empty() {
            return Err("no profile with aws_access_key_id and aws_secret_access_key".into());
        }
        Ok(Self(keys))
    }
}

/// Why a request's signature is refused: the `x-amzn-ErrorType` and message API Gateway answers 403 with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub error_type: &'static str,
    pub message: String,
}

impl Refusal {
    fn new(error_type: &'static str, message: impl Into<String>) -> Self {
        Self {
            error_type,
            message: message.into(),
        }
    }
}

/// How far a request's `X-Amz-Date` may be from now, as AWS allows.
const SKEW_MS: u64 = 15 * 60 * 1000;

/// Checks the `Authorization` header of `request` (all of whose headers are `headers`, names in any case) against
/// `keys`, for `service` in `region`, at `now_ms`. Returns the access key id that signed it.
pub fn verify(
    request: &Request<'_>,
    keys: &AccessKeys,
    region: &str,
    service: &str,
    now_ms: u64,
) -> Result<String, Refusal> {
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let Some(authorization) = header("authorization") else {
        return Err(Refusal::new(
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        ));
    };
    let incomplete = |what: &str| {
        Refusal::new(
            "IncompleteSignatureException",
            format!(
                "Authorization header requires '{what}' parameter. Authorization={authorization}"
            ),
        )
    };
    let Some(fields) = authorization.strip_prefix("AWS4-HMAC-SHA256 ") else {
        return Err(Refusal::new(
            "IncompleteSignatureException",
            format!("Authorization header requires the AWS4-HMAC-SHA256 algorithm. Authorization={authorization}"),
        ));
    };
    let field = |name: &str| {
        fields
            .split(',')
            .map(str::trim)
            .find_map(|f| f.strip_prefix(name)?.strip_prefix('='))
    };
    let credential = field("Credential").ok_or_else(|| incomplete("Credential"))?;
    let signed = field("SignedHeaders").ok_or_else(|| incomplete("SignedHeaders"))?;
    let signature = field("Signature").ok_or_else(|| incomplete("Signature"))?;
    let signed_at = header("x-amz-date").ok_or_else(|| incomplete("X-Amz-Date"))?;
    let parts: Vec<&str> = credential.split('/').collect();
    let [access_key, date, scope_region, scope_service, "aws4_request"] = parts.as_slice() else {
        return Err(Refusal::new(
            "IncompleteSignatureException",
            format!("Credential should be ACCESS_KEY/DATE/REGION/SERVICE/aws4_request, not {credential}"),
        ));
    };
    if *scope_region != region || *scope_service != service {
        return Err(Refusal::new(
            "InvalidSignatureException",
            format!("Credential should be scoped to a valid region and service: {region}/{service}, not {scope_region}/{scope_service}"),
        ));
    }
    let Some(secret) = keys.0.get(*access_key) else {
        return Err(Refusal::new(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ));
    };
    match amz_date_ms(signed_at) {
        Some(at) if at.abs_diff(now_ms) <= SKEW_MS && signed_at.starts_with(date) => {}
        Some(_) => {
            let earliest = amz_date(now_ms.saturating_sub(SKEW_MS));
            return Err(Refusal::new(
                "InvalidSignatureException",
                format!(
                    "Signature expired: {signed_at} is now earlier than {earliest} ({} - 15 min.)",
                    amz_date(now_ms)
                ),
            ));
        }
        None => {
            return Err(Refusal::new(
                "IncompleteSignatureException",
                format!("Date must be in ISO-8601 'basic format'. Got '{signed_at}'."),
            ))
        }
    }
    let mut headers = Vec::new();
    for name in signed.split(';') {
        let value = if name == "host" {
            Some(request.host)
        } else {
            header(name)
        };
        match value {
            Some(value) => headers.push((name.to_string(), collapse_spaces(value))),
            None => return Err(incomplete(name)),
        }
    }
    let scope = Scope {
        date: date.to_string(),
        region: region.to_string(),
        service: service.to_string(),
    };
    let expected = signing(request, &headers, signed_at, &scope, secret);
    if !same(&expected.signature, signature) {
        return Err(Refusal::new(
            "InvalidSignatureException",
            format!(
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'{}'\n\nThe String-to-Sign should have been\n'{}'\n",
                expected.canonical_request, expected.string_to_sign
            ),
        ));
    }
    Ok(access_key.to_string())
}

/// Compares two signatures in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Milliseconds since the epoch of a `20150830T123600Z`.
fn amz_date_ms(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<u64>().ok();
    let (year, month, day) = (number(0..4)?, number(4..6)?, number(6..8)?);
    let (hour, minute, second) = (number(9..11)?, number(11..13)?, number(13..15)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    // Howard Hinnant's days-from-civil.
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000)
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
    fn signed_requests_verify_against_their_key_and_nothing_else() {
        let body = b"hello";
        let unsigned = Request {
            method: "POST",
            host: "127.0.0.1:8080",
            path: "/dev/%40connections/abc%3D",
            query: "",
            headers: &[],
            body,
        };
        let added = sign(
            &unsigned,
            "us-east-1",
            "execute-api",
            &example(),
            SUITE_TIME_MS,
        );
        let signed = Request {
            headers: &added,
            ..unsigned
        };
        let keys = AccessKeys::parse(
            "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n",
        )
        .unwrap();
        let verify_at =
            |keys: &AccessKeys, at: u64| verify(&signed, keys, "us-east-1", "execute-api", at);
        assert_eq!(
            verify_at(&keys, SUITE_TIME_MS + 60_000).as_deref(),
            Ok("AKIDEXAMPLE")
        );
        let wrong =
            AccessKeys::parse("[x]\naws_access_key_id=AKIDEXAMPLE\naws_secret_access_key=other\n")
                .unwrap();
        let refused = verify_at(&wrong, SUITE_TIME_MS).unwrap_err();
        assert_eq!(refused.error_type, "InvalidSignatureException");
        assert!(refused
            .message
            .contains("The Canonical String for this request should have been"));
        let other =
            AccessKeys::parse("[x]\naws_access_key_id=AKIDOTHER\naws_secret_access_key=x\n")
                .unwrap();
        assert_eq!(
            verify_at(&other, SUITE_TIME_MS).unwrap_err().error_type,
            "UnrecognizedClientException"
        );
        let stale = verify_at(&keys, SUITE_TIME_MS + 16 * 60_000).unwrap_err();
        assert!(
            stale
                .message
                .starts_with("Signature expired: 20150830T123600Z is now earlier than"),
            "{stale:?}"
        );
        let tampered = Request {
            body: b"hellO",
            ..signed
        };
        assert_eq!(
            verify(&tampered, &keys, "us-east-1", "execute-api", SUITE_TIME_MS)
                .unwrap_err()
                .error_type,
            "InvalidSignatureException"
        );
        assert_eq!(
            verify(&unsigned, &keys, "us-east-1", "execute-api", SUITE_TIME_MS)
                .unwrap_err()
                .message,
            "Missing Authentication Token"
        );
        assert_eq!(
            verify(&signed, &keys, "eu-west-1", "execute-api", SUITE_TIME_MS)
                .unwrap_err()
                .error_type,
            "InvalidSignatureException"
        );
    }

    #[test]
    fn dates_and_credentials_files() {
        assert_eq!(amz_date_ms("20150830T123600Z"), Some(SUITE_TIME_MS));
        assert_eq!(amz_date_ms("2015-08-30T12:36:00Z"), None);
        assert!(AccessKeys::parse("[a]\naws_access_key_id = k\n").is_err());
        assert!(AccessKeys::parse("# nothing\n").is_err());
        let two = AccessKeys::parse("[a]\naws_access_key_id=k1\naws_secret_access_key=s1\n\n[b]\naws_access_key_id=k2\naws_secret_access_key=s2\nregion=x\n").unwrap();
        assert_eq!(two.0.len(), 2);
    }

    #[test]
    fn query_and_headers_are_canonical() {
        assert_eq!(canonical_query("b=2&a=x%20y&a=1"), "a=1&a=x%20y&b=2");
        assert_eq!(canonical_path("/a b/%2F"), "/a%20b/%252F");
        assert_eq!(collapse_spaces("  a   b "), "a b");
    }
}
