//! TLS on the gateway's own port: `wss://` for clients and `https://` for the `@connections` API, beside the plain
//! protocols. Lambda code written for AWS builds its management client as `https://{domainName}/{stage}`; with TLS on
//! the same port that code reaches this gateway unchanged, once its runtime trusts the certificate
//! (`AWS_CA_BUNDLE` for boto3, `NODE_EXTRA_CA_CERTS` for Node). A connection whose first byte opens a TLS handshake
//! record is TLS; any other is plain.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

/// The first byte of every TLS connection: a handshake record (RFC 8446 §5.1). No HTTP method starts with it.
pub(crate) const HANDSHAKE_RECORD: u8 = 0x16;

/// The names a generated certificate covers, besides the host the gateway binds.
const LOCAL_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// A certificate and key to serve TLS with.
#[derive(Clone)]
pub struct Tls {
    pub(crate) acceptor: TlsAcceptor,
    certificate_pem: String,
}

impl Tls {
    /// A certificate chain and its private key, both PEM (for example from `mkcert`).
    pub fn from_pem(certificate_pem: &str, key_pem: &str) -> io::Result<Tls> {
        let chain = CertificateDer::pem_slice_iter(certificate_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid(format!("the certificate is not PEM: {e}")))?;
        if chain.is_empty() {
            return Err(invalid("the certificate PEM holds no certificate".into()));
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
            .map_err(|e| invalid(format!("the private key is not PEM: {e}")))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|builder| builder.with_no_client_auth().with_single_cert(chain, key))
            .map_err(|e| {
                invalid(format!(
                    "the certificate and key do not make a TLS server: {e}"
                ))
            })?;
        // Both the WebSocket upgrade and the management API are HTTP/1.1.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            certificate_pem: certificate_pem.to_string(),
        })
    }

    /// A self-signed certificate for `localhost`, `127.0.0.1`, `::1` and `host`. With a directory, the certificate
    /// is kept there as `cert.pem` and `key.pem`: reused when both exist, so what trusts it keeps trusting it
    /// across restarts, and made and written there otherwise.
    pub fn local(host: &str, dir: Option<&Path>) -> io::Result<Tls> {
        if let Some(dir) = dir {
            let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
            if cert.exists() && key.exists() {
                return Tls::from_pem(&read(&cert)?, &read(&key)?);
            }
        }
        let mut names: Vec<String> = LOCAL_NAMES.iter().map(|n| n.to_string()).collect();
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if !host.is_empty() && !names.iter().any(|n| n == host) && host != "0.0.0.0" && host != "::"
        {
            names.push(host.to_string());
        }
        let made = rcgen::generate_simple_self_signed(names)
            .map_err(|e| invalid(format!("could not make a certificate: {e}")))?;
        let (cert_pem, key_pem) = (made.cert.pem(), made.signing_key.serialize_pem());
        if let Some(dir) = dir {
            std::fs::create_dir_all(dir).map_err(|e| at(dir.to_path_buf(), e))?;
            write(&dir.join("cert.pem"), &cert_pem, false)?;
            write(&dir.join("key.pem"), &key_pem, true)?;
        }
        Tls::from_pem(&cert_pem, &key_pem)
    }

    /// The certificate chain, PEM: what a client adds to its trusted certificates.
    pub fn certificate_pem(&self) -> &str {
        &self.certificate_pem
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

fn at(path: PathBuf, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

fn read(path: &Path) -> io::Result<String> {
    std::fs::read_to_string(path).map_err(|e| at(path.to_path_buf(), e))
}

fn write(path: &Path, text: &str, private: bool) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    use std::io::Write;
    options
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .map_err(|e| at(path.to_path_buf(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_certificate_is_reused() {
        let dir = std::env::temp_dir().join(format!("wsgate-tls-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = Tls::local("127.0.0.1", Some(&dir)).unwrap();
        let again = Tls::local("127.0.0.1", Some(&dir)).unwrap();
        assert_eq!(first.certificate_pem(), again.certificate_pem());
        assert_ne!(
            first.certificate_pem(),
            Tls::local("127.0.0.1", None).unwrap().certificate_pem()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn broken_pem_is_a_clear_error() {
        let error = Tls::from_pem("not a certificate", "nor a key")
            .err()
            .unwrap();
        assert!(
            error.to_string().contains("holds no certificate"),
            "{error}"
        );
    }
}
