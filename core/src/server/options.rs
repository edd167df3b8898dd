//! How a gateway serves (host, port, stage, Lambda and AWS endpoints, the keys of `@connections`, TLS): the options of `wsgate serve`, of Python's
//! `serve`/`start` and of Node's `listen`, one type for all, and the one error they all report when serving fails.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{GatewayBuilder, Server, Tls};

/// Where and how to serve. Every field has the default `wsgate serve` has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ServeOptions {
    /// The address to listen on.
    #[cfg_attr(feature = "cli", arg(long, default_value = "127.0.0.1"))]
    pub host: String,
    /// 0 picks a free port; the line `listening on ws://HOST:PORT/STAGE` tells which.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 8080))]
    pub port: u16,
    /// Serve under this stage instead of the definition's.
    #[cfg_attr(feature = "cli", arg(long))]
    pub stage: Option<String>,
    /// Where Lambda function ARNs are invoked (`sam local start-lambda`'s URL, or any Lambda Invoke API).
    #[cfg_attr(feature = "cli", arg(long))]
    pub lambda_endpoint: Option<String>,
    /// Where AWS service integrations of SERVICE (`arn:aws:apigateway:REGION:SERVICE:…`) are sent, signed:
    /// `dynamodb=http://127.0.0.1:8000` for DynamoDB Local, or any AWS-compatible endpoint. Repeatable.
    #[cfg_attr(feature = "cli", arg(long = "aws-endpoint", value_name = "SERVICE=URL", value_parser = parse_endpoint))]
    #[serde(with = "crate::config::pairs")]
    #[cfg_attr(test, schemars(with = "std::collections::BTreeMap<String, String>"))]
    pub aws_endpoints: Vec<(String, String)>,
    /// Verify SigV4 signatures on the @connections API against the keys of FILE, in the AWS shared credentials
    /// format (`[profile]`, `aws_access_key_id`, `aws_secret_access_key`); without it, any caller is answered.
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub credentials: Option<PathBuf>,
    /// Serve the @connections API only on HOST:PORT (a loopback address keeps it from the network; port 0 picks
    /// a free one), not on the clients' port.
    #[cfg_attr(feature = "cli", arg(long, value_name = "HOST:PORT"))]
    pub management: Option<String>,
    /// More API keys for an `apiKeyRequired` `$connect`, from FILE in the CSV that `aws apigateway
    /// import-api-keys` reads (a `Name,Key,Enabled` header, then a key a line).
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub api_keys: Option<PathBuf>,
    /// Keep the certificate of wss:// and https:// in DIR/cert.pem and DIR/key.pem (made there when missing),
    /// so that clients and Lambda runtimes can trust it: AWS_CA_BUNDLE=DIR/cert.pem, NODE_EXTRA_CA_CERTS=...
    #[cfg_attr(feature = "cli", arg(long, value_name = "DIR"))]
    pub tls_dir: Option<PathBuf>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 8080,
            stage: None,
            lambda_endpoint: None,
            aws_endpoints: Vec::new(),
            credentials: None,
            management: None,
            api_keys: None,
            tls_dir: None,
        }
    }
}

/// `SERVICE=http://HOST:PORT`.
#[cfg(feature = "cli")]
fn parse_endpoint(text: &str) -> Result<(String, String), String> {
    let (service, url) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not SERVICE=http://HOST:PORT"))?;
    check_endpoint(service, url)?;
    Ok((service.to_string(), url.to_string()))
}

/// AWS service endpoints are local ones (DynamoDB Local, an AWS-compatible server), reached over plain HTTP.
fn check_endpoint(service: &str, url: &str) -> Result<(), String> {
    if service.is_empty() {
        return Err(format!("`{url}` needs the service it serves: SERVICE=URL"));
    }
    if !url.starts_with("http://") {
        return Err(format!(
            "`{url}` ({service}): AWS service endpoints are reached over http://, as local ones (DynamoDB Local) are"
        ));
    }
    Ok(())
}

/// A file of the options, parsed.
fn read<T>(file: &std::path::Path, parse: fn(&str) -> Result<T, String>) -> Result<T, ServeError> {
    let problem = |detail: String| ServeError::File {
        file: file.display().to_string(),
        detail,
    };
    let text = std::fs::read_to_string(file).map_err(|e| problem(e.to_string()))?;
    parse(&text).map_err(problem)
}

/// Why a gateway could not start serving.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{0}")]
    Endpoint(String),
    /// A `--credentials` or `--api-keys` file that cannot be read or is malformed.
    #[error("{file}: {detail}")]
    File { file: String, detail: String },
    #[error("cannot make the TLS certificate: {0}")]
    Tls(std::io::Error),
    #[error("cannot serve on {host}:{port}: {source}")]
    Bind {
        host: String,
        port: u16,
        source: std::io::Error,
    },
}

impl ServeOptions {
    /// Applies these options to `builder` (stage, Lambda endpoint, TLS) and serves on their host and port.
    pub async fn serve(&self, mut builder: GatewayBuilder) -> Result<Server, ServeError> {
        if let Some(stage) = &self.stage {
            builder = builder.stage(stage.clone());
        }
        if let Some(endpoint) = &self.lambda_endpoint {
            builder = builder.lambda_endpoint(endpoint.clone());
        }
        for (service, url) in &self.aws_endpoints {
            check_endpoint(service, url).map_err(ServeError::Endpoint)?;
            builder = builder.aws_endpoint(service.clone(), url.clone());
        }
        if let Some(file) = &self.credentials {
            let keys = read(file, super::sigv4::AccessKeys::parse)?;
            builder = builder.access_keys(keys);
        }
        if let Some(address) = &self.management {
            builder = builder.management(address.clone());
        }
        if let Some(file) = &self.api_keys {
            builder = builder.api_keys(read(file, crate::config::ApiKey::parse_csv)?);
        }
        let tls = Tls::local(&self.host, self.tls_dir.as_deref()).map_err(ServeError::Tls)?;
        builder
            .tls(tls)
            .serve((self.host.as_str(), self.port))
            .await
            .map_err(|source| ServeError::Bind {
                host: self.host.clone(),
                port: self.port,
                source,
            })
    }

    /// The line on stderr that says where the TLS certificate is.
    pub fn tls_note(&self) -> String {
        match &self.tls_dir {
            Some(dir) => format!(
                "wss:// and https:// on the same port, with the certificate in {}",
                dir.join("cert.pem").display()
            ),
            None => {
                "wss:// and https:// on the same port, with a certificate made for this run (--tls-dir keeps it)"
                    .into()
            }
        }
    }
}
