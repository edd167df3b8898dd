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
    let body_hash = hex(digest::digest(&digest::SHA256, request.body).as_ref());
    let signed = signing(
        request,
        request.query,
        &body_hash,
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

/// Signs `request` with `query` (as on the wire), `payload_hash` and `headers` (lowercase names, sorted) as its
/// signed headers.
fn signing(
    request: &Request<'_>,
    query: &str,
    payload_hash: &str,
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
        &canonical_query(query),
        &canonical_headers,
        &signed_headers,
        payload_hash,
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

/// One access key the gateway accepts: its secret, the profile it is listed under, and the IAM actions it may call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKey {
    pub secret: String,
    pub profile: String,
    /// `wsgate_allowed_actions` of its profile (`execute-api:Invoke`, `execute-api:ManageConnections`, `*`
    /// wildcards); every action when absent.
    pub actions: Option<Vec<String>>,
}

/// The access keys a gateway accepts signatures of (`--credentials`), by access key id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessKeys(pub std::collections::HashMap<String, AccessKey>);

impl AccessKeys {
    /// Reads the AWS shared credentials file format (`~/.aws/credentials`): every profile's
    /// `aws_access_key_id`, `aws_secret_access_key` and wsgate's own `wsgate_allowed_actions` (a comma-separated
    /// list, which the AWS tools ignore).
    pub fn parse(text: &str) -> Result<Self, String> {
        #[derive(Default)]
        struct Profile {
            name: String,
            id: Option<String>,
            secret: Option<String>,
            actions: Option<Vec<String>>,
        }
        let mut keys = std::collections::HashMap::new();
        let mut finish = |profile: Profile| match (profile.id, profile.secret) {
            (Some(id), Some(secret)) => {
                keys.insert(
                    id,
                    AccessKey {
                        secret,
                        profile: profile.name,
                        actions: profile.actions,
                    },
                );
                Ok(())
            }
            (Some(id), None) => Err(format!("access key {id} has no aws_secret_access_key")),
            (None, Some(_)) => Err(format!(
                "profile [{}] has a secret but no aws_access_key_id",
                profile.name
            )),
            (None, None) => Ok(()),
        };
        let mut profile = Profile {
            name: "default".into(),
            ..Profile::default()
        };
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                let next = Profile {
                    name: name.trim().to_string(),
                    ..Profile::default()
                };
                finish(std::mem::replace(&mut profile, next))?;
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(format!(
                    "line {}: expected KEY = VALUE or [profile]",
                    number + 1
                ));
            };
            let value = value.trim().to_string();
            match key.trim() {
                "aws_access_key_id" => profile.id = Some(value),
                "aws_secret_access_key" => profile.secret = Some(value),
                "wsgate_allowed_actions" => {
                    profile.actions = Some(
                        value
                            .split(',')
                            .map(|a| a.trim().to_string())
                            .filter(|a| !a.is_empty())
                            .collect(),
                    )
                }
                _ => {}
            }
        }
        finish(profile)?;
        if keys.is_empty() {
            return Err("no profile with aws_access_key_id and aws_secret_access_key".into());
        }
        Ok(Self(keys))
    }

    /// Whether the key that signed may call `action` on `resource`: IAM's AccessDeniedException otherwise.
    pub fn permit(&self, signer: &Signer, action: &str, resource: &str) -> Result<(), Refusal> {
        let Some(key) = self.0.get(&signer.access_key) else {
            return Ok(());
        };
        let allowed = key.actions.as_ref().is_none_or(|actions| {
            actions.iter().any(|pattern| {
                crate::engine::wildcard_match(
                    &pattern.to_ascii_lowercase(),
                    &action.to_ascii_lowercase(),
                )
            })
        });
        if allowed {
            return Ok(());
        }
        Err(Refusal::new(
            "AccessDeniedException",
            format!(
                "User: {} is not authorized to perform: {action} on resource: {resource}",
                signer.caller().user_arn
            ),
        ))
    }
}

/// Who signed a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    pub access_key: String,
    /// The profile of `--credentials` the key is listed under; `None` when signatures are not checked.
    pub profile: Option<String>,
}

impl Signer {
    /// The IAM user the key's profile stands for (the access key names it when signatures are not checked).
    pub fn caller(&self) -> crate::engine::Caller {
        let name = self.profile.as_deref().unwrap_or(&self.access_key);
        crate::engine::Caller::iam_user(&self.access_key, name)
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

    /// `{"message": "…"}`, the body API Gateway refuses with.
    pub fn body(&self) -> String {
        serde_json::json!({ "message": self.message }).to_string()
    }
}

/// How far a request's `X-Amz-Date` may be from now, as AWS allows.
const SKEW_MS: u64 = 15 * 60 * 1000;

/// The longest a presigned URL may be valid, as AWS allows: 7 days.
const MAX_EXPIRES_S: u64 = 604_800;

/// A signature as a request presents it: from its `Authorization` header, or from a presigned URL's query.
struct Presented {
    credential: String,
    signed_headers: String,
    signature: String,
    signed_at: String,
    /// `X-Amz-Expires` of a presigned URL, in seconds.
    expires_s: Option<u64>,
    /// The query without `X-Amz-Signature`, for a presigned URL.
    signed_query: Option<String>,
}

impl Presented {
    fn from(request: &Request<'_>) -> Result<Self, Refusal> {
        let header = |name: &str| header(request, name);
        if let Some(authorization) = header("authorization") {
            return Self::from_header(authorization, header("x-amz-date"));
        }
        let query: Vec<(String, String)> = request
            .query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                let decode = |s: &str| {
                    percent_decode_str(&s.replace('+', " "))
                        .decode_utf8_lossy()
                        .into_owned()
                };
                (decode(k), decode(v))
            })
            .collect();
        let param = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        if param("X-Amz-Algorithm").is_none() && param("X-Amz-Signature").is_none() {
            return Err(Refusal::new(
                "MissingAuthenticationTokenException",
                "Missing Authentication Token",
            ));
        }
        let incomplete = || {
            Refusal::new(
                "IncompleteSignatureException",
                "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
            )
        };
        if param("X-Amz-Algorithm").as_deref() != Some("AWS4-HMAC-SHA256") {
            return Err(incomplete());
        }
        let expires_s = match param("X-Amz-Expires") {
            None => None,
            Some(text) => match text.parse::<u64>() {
                Ok(seconds) if seconds <= MAX_EXPIRES_S => Some(seconds),
                _ => {
                    return Err(Refusal::new(
                        "IncompleteSignatureException",
                        format!("X-Amz-Expires must be a number of seconds up to {MAX_EXPIRES_S}, not {text}"),
                    ))
                }
            },
        };
        let signed_query = request
            .query
            .split('&')
            .filter(|pair| !pair.starts_with("X-Amz-Signature="))
            .collect::<Vec<_>>()
            .join("&");
        Ok(Self {
            credential: param("X-Amz-Credential").ok_or_else(incomplete)?,
            signed_headers: param("X-Amz-SignedHeaders").ok_or_else(incomplete)?,
            signature: param("X-Amz-Signature").ok_or_else(incomplete)?,
            signed_at: param("X-Amz-Date").ok_or_else(incomplete)?,
            expires_s,
            signed_query: Some(signed_query),
        })
    }

    fn from_header(authorization: &str, amz_date: Option<&str>) -> Result<Self, Refusal> {
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
                .map(str::to_string)
                .ok_or_else(|| incomplete(name))
        };
        Ok(Self {
            credential: field("Credential")?,
            signed_headers: field("SignedHeaders")?,
            signature: field("Signature")?,
            signed_at: amz_date
                .map(str::to_string)
                .ok_or_else(|| incomplete("X-Amz-Date"))?,
            expires_s: None,
            signed_query: None,
        })
    }
}

/// The value of a header of `request`, its name in any case.
fn header<'a>(request: &Request<'a>, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Checks the SigV4 signature of `request` (its `Authorization` header, or the `X-Amz-*` parameters of a
/// presigned URL; all of its headers are `headers`, names in any case) for `service` in `region` at `now_ms`,
/// against `keys`. With no keys, a signature of the right form is taken on trust, unchecked.
pub fn verify(
    request: &Request<'_>,
    keys: Option<&AccessKeys>,
    region: &str,
    service: &str,
    now_ms: u64,
) -> Result<Signer, Refusal> {
    let presented = Presented::from(request)?;
    let credential = &presented.credential;
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
    let Some(keys) = keys else {
        return Ok(Signer {
            access_key: access_key.to_string(),
            profile: None,
        });
    };
    let Some(key) = keys.0.get(*access_key) else {
        return Err(Refusal::new(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ));
    };
    let signed_at = presented.signed_at.as_str();
    let Some(at) = amz_date_ms(signed_at) else {
        return Err(Refusal::new(
            "IncompleteSignatureException",
            format!("Date must be in ISO-8601 'basic format'. Got '{signed_at}'."),
        ));
    };
    // A presigned URL is good from its date until it expires; a signed header within 15 minutes either side.
    let valid_until = presented
        .expires_s
        .map_or(at + SKEW_MS, |seconds| at + seconds * 1000);
    if now_ms > valid_until || at > now_ms + SKEW_MS || !signed_at.starts_with(date) {
        let earliest = amz_date(now_ms.saturating_sub(SKEW_MS));
        return Err(Refusal::new(
            "InvalidSignatureException",
            format!(
                "Signature expired: {signed_at} is now earlier than {earliest} ({} - 15 min.)",
                amz_date(now_ms)
            ),
        ));
    }
    let mut headers = Vec::new();
    for name in presented.signed_headers.split(';') {
        let value = if name == "host" {
            Some(request.host)
        } else {
            header(request, name)
        };
        match value {
            Some(value) => headers.push((name.to_string(), collapse_spaces(value))),
            None => {
                return Err(Refusal::new(
                    "IncompleteSignatureException",
                    format!("The signed header {name} is not in the request"),
                ))
            }
        }
    }
    let scope = Scope {
        date: date.to_string(),
        region: region.to_string(),
        service: service.to_string(),
    };
    let body_hash = hex(digest::digest(&digest::SHA256, request.body).as_ref());
    // A presigned URL covers its query without the signature; botocore signs it with an UNSIGNED-PAYLOAD, the
    // aws-sdk with the empty body's hash, and API Gateway takes both (docs/behaviour.md §8).
    let (query, payloads) = match &presented.signed_query {
        Some(query) => (
            query.as_str(),
            vec![body_hash, UNSIGNED_PAYLOAD.to_string()],
        ),
        None => (request.query, vec![body_hash]),
    };
    let mut expected = None;
    for payload in &payloads {
        let signing = signing(
            request,
            query,
            payload,
            &headers,
            signed_at,
            &scope,
            &key.secret,
        );
        if same(&signing.signature, &presented.signature) {
            return Ok(Signer {
                access_key: access_key.to_string(),
                profile: Some(key.profile.clone()),
            });
        }
        expected.get_or_insert(signing);
    }
    let expected = expected.expect("at least one payload hash");
    Err(Refusal::new(
        "InvalidSignatureException",
        format!(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'{}'\n\nThe String-to-Sign should have been\n'{}'\n",
            expected.canonical_request, expected.string_to_sign
        ),
    ))
}

/// The payload hash of a presigned URL that does not sign its body.
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

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
        let verify_at = |keys: &AccessKeys, at: u64| {
            verify(&signed, Some(keys), "us-east-1", "execute-api", at)
        };
        assert_eq!(
            verify_at(&keys, SUITE_TIME_MS + 60_000).map(|s| s.access_key),
            Ok("AKIDEXAMPLE".to_string())
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
            verify(
                &tampered,
                Some(&keys),
                "us-east-1",
                "execute-api",
                SUITE_TIME_MS
            )
            .unwrap_err()
            .error_type,
            "InvalidSignatureException"
        );
        assert_eq!(
            verify(
                &unsigned,
                Some(&keys),
                "us-east-1",
                "execute-api",
                SUITE_TIME_MS
            )
            .unwrap_err()
            .message,
            "Missing Authentication Token"
        );
        assert_eq!(
            verify(
                &signed,
                Some(&keys),
                "eu-west-1",
                "execute-api",
                SUITE_TIME_MS
            )
            .unwrap_err()
            .error_type,
            "InvalidSignatureException"
        );
    }

    /// A URL botocore's `SigV4QueryAuth` presigned (UNSIGNED-PAYLOAD, X-Amz-Expires=300) at 2026-12-07T06:18:35Z.
    #[test]
    fn a_url_botocore_presigned_verifies_until_it_expires() {
        let query = "token=a%20b&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261207%2Fus-east-1%2Fexecute-api%2Faws4_request&X-Amz-Date=20261207T061835Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=034d35798f55eab773b77184a3dbed904b11d44945795ed5c2c797401c621ba6";
        let request = Request {
            method: "GET",
            host: "127.0.0.1:8080",
            path: "/dev",
            query,
            headers: &[],
            body: b"",
        };
        let keys = AccessKeys::parse(
            "[web]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\nwsgate_allowed_actions = execute-api:Invoke\n",
        )
        .unwrap();
        let signed_at = amz_date_ms("20261207T061835Z").unwrap();
        let at = |ms: u64| verify(&request, Some(&keys), "us-east-1", "execute-api", ms);
        let signer = at(signed_at + 299_000).unwrap();
        assert_eq!(
            signer.caller().user_arn,
            "arn:aws:iam::123456789012:user/web"
        );
        assert!(at(signed_at + 301_000)
            .unwrap_err()
            .message
            .starts_with("Signature expired"));
        let changed = Request {
            query: &query.replace("a%20b", "a%20c"),
            ..request
        };
        assert_eq!(
            verify(&changed, Some(&keys), "us-east-1", "execute-api", signed_at)
                .unwrap_err()
                .error_type,
            "InvalidSignatureException"
        );
        // Without keys the signature is taken on trust; its form still counts.
        assert_eq!(
            verify(&changed, None, "us-east-1", "execute-api", 0)
                .unwrap()
                .access_key,
            "AKIDEXAMPLE"
        );
        let incomplete = Request {
            query: "X-Amz-Algorithm=AWS4-HMAC-SHA256",
            ..request
        };
        assert_eq!(
            verify(&incomplete, None, "us-east-1", "execute-api", 0)
                .unwrap_err()
                .error_type,
            "IncompleteSignatureException"
        );
        // The key may connect but not manage connections.
        assert!(keys.permit(&signer, "EXECUTE-API:invoke", "arn").is_ok());
        let denied = keys
            .permit(&signer, "execute-api:ManageConnections", "arn:x")
            .unwrap_err();
        assert_eq!(denied.error_type, "AccessDeniedException");
        assert_eq!(denied.message, "User: arn:aws:iam::123456789012:user/web is not authorized to perform: execute-api:ManageConnections on resource: arn:x");
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
