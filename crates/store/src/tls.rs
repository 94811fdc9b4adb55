//! TLS to PostgreSQL: the `sslmode` and `sslrootcert` parameters of a connection string, with
//! libpq's meanings (PostgreSQL manual, "SSL Support" in libpq, table "SSL Mode Descriptions"):
//!
//! - `disable`: no TLS;
//! - `prefer` (the default): TLS if the server offers it, else not; the certificate is not
//!   checked;
//! - `require`: TLS or no connection; the certificate is not checked — unless `sslrootcert`
//!   names a CA, when, as in libpq, the chain is checked as `verify-ca` does;
//! - `verify-ca`: TLS, and the server's certificate must chain to a trusted CA;
//! - `verify-full`: `verify-ca`, and the certificate must name the host connected to.
//!
//! The trusted CAs are those of `sslrootcert=PATH` (PEM), else the platform's
//! (`rustls-native-certs`; `sslrootcert=system` asks for them by name, as libpq 16 does).
//! tokio-postgres knows only disable, prefer and require: the two parameters are taken out of
//! the connection string here and the verification is done by the rustls connector.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres::config::SslMode;

use crate::StoreError;

/// How a connection uses TLS (`sslmode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Disable => "disable",
            Mode::Prefer => "prefer",
            Mode::Require => "require",
            Mode::VerifyCa => "verify-ca",
            Mode::VerifyFull => "verify-full",
        }
    }
}

/// A connection string's TLS settings, and the string left for tokio-postgres.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Settings {
    /// The connection string without `sslmode` and `sslrootcert`.
    pub url: String,
    pub mode: Mode,
    /// `sslrootcert`: a PEM file (`None` with `system` or when absent).
    pub root_cert: Option<PathBuf>,
}

/// `%XX` escapes of a URL query value decoded.
fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("a bad `%` escape in `{s}`"))?;
                out.push(hex);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| format!("`{s}` is not UTF-8 once decoded"))
}

/// Takes `sslmode` and `sslrootcert` out of a `postgres://` URL.
pub(crate) fn settings(url: &str) -> Result<Settings, String> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, q),
        None => (url, ""),
    };
    let mut mode = Mode::Prefer;
    let mut root_cert = None;
    let mut kept: Vec<&str> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "sslmode" => {
                mode = match percent_decode(value)?.as_str() {
                    "disable" => Mode::Disable,
                    "allow" | "prefer" => Mode::Prefer,
                    "require" => Mode::Require,
                    "verify-ca" => Mode::VerifyCa,
                    "verify-full" => Mode::VerifyFull,
                    other => {
                        return Err(format!(
                            "sslmode `{other}` is not one of disable, prefer, require, verify-ca, verify-full"
                        ));
                    }
                }
            }
            "sslrootcert" => {
                let path = percent_decode(value)?;
                root_cert = (path != "system").then(|| PathBuf::from(path));
            }
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok(Settings {
        url,
        mode,
        root_cert,
    })
}

/// What tokio-postgres is told: whether TLS is off, tried or required.
pub(crate) fn ssl_mode(mode: Mode) -> SslMode {
    match mode {
        Mode::Disable => SslMode::Disable,
        Mode::Prefer => SslMode::Prefer,
        Mode::Require | Mode::VerifyCa | Mode::VerifyFull => SslMode::Require,
    }
}

/// The rustls connector for `settings` (`ring` named explicitly: a build may hold two
/// providers, and then rustls picks none by itself).
pub(crate) fn connector(
    store: &str,
    s: &Settings,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, StoreError> {
    let tls_err = |message: String| StoreError::Tls {
        store: store.to_owned(),
        message,
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_err(e.to_string()))?;
    // `require` with a CA named checks the chain, as libpq does.
    let check = match (s.mode, &s.root_cert) {
        (Mode::VerifyFull, _) => Check::Full,
        (Mode::VerifyCa, _) | (Mode::Require, Some(_)) => Check::Chain,
        _ => Check::Nothing,
    };
    let verifier: Arc<dyn ServerCertVerifier> = match check {
        Check::Nothing => Arc::new(Unchecked(provider.clone())),
        Check::Chain | Check::Full => {
            let roots = roots(s).map_err(tls_err)?;
            let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| tls_err(e.to_string()))?;
            if check == Check::Full {
                webpki
            } else {
                Arc::new(ChainOnly(webpki))
            }
        }
    };
    let config = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// A hint for a connection that failed on the server's certificate.
pub(crate) fn hint(s: &Settings) -> String {
    let roots = match &s.root_cert {
        Some(p) => format!("the CA of {}", p.display()),
        None => "the platform's CAs".to_owned(),
    };
    let name = if s.mode == Mode::VerifyFull {
        ", and must name the host"
    } else {
        ""
    };
    format!(
        "sslmode={}: the server's certificate must chain to {roots}{name}; name the server's CA with `sslrootcert=PATH` (PEM)",
        s.mode.name()
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    Nothing,
    Chain,
    Full,
}

/// The CAs trusted: the `sslrootcert` file, else the platform's.
fn roots(s: &Settings) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    match &s.root_cert {
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("sslrootcert {}: {e}", path.display()))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
            if certs.is_empty() {
                return Err(format!(
                    "sslrootcert {}: no PEM certificate in the file",
                    path.display()
                ));
            }
            for c in certs {
                roots
                    .add(c)
                    .map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
            if roots.is_empty() {
                return Err(format!(
                    "no CA certificates found on this system ({}); name the server's CA with `sslrootcert=PATH`",
                    found
                        .errors
                        .first()
                        .map_or_else(|| "none installed".to_owned(), ToString::to_string)
                ));
            }
        }
    }
    Ok(roots)
}

/// `prefer` and `require`: the connection is encrypted, the certificate is not checked (libpq's
/// meaning of these modes); the handshake's signatures still are.
#[derive(Debug)]
struct Unchecked(Arc<CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca`: the chain is checked, the host name is not.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            // The name is checked after the chain: a name error means the chain is good.
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// Whether a connection error is the server's certificate being refused.
pub(crate) fn is_certificate_error(e: &tokio_postgres::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
            && let Some(tls) = inner.downcast_ref::<rustls::Error>()
        {
            return matches!(tls, rustls::Error::InvalidCertificate(_));
        }
        if let Some(rustls::Error::InvalidCertificate(_)) = c.downcast_ref::<rustls::Error>() {
            return true;
        }
        cause = c.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_parameters_are_taken_out() {
        let s = settings(
            "postgres://u@db.example:5432/h?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&application_name=r",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.mode, Mode::VerifyFull);
        assert_eq!(s.root_cert, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(s.url, "postgres://u@db.example:5432/h?application_name=r");
        let s = settings("postgres://u@h/db").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (s.mode, s.url.as_str()),
            (Mode::Prefer, "postgres://u@h/db")
        );
        let s = settings("postgres://u@h/db?sslmode=require&sslrootcert=system")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((s.mode, s.root_cert), (Mode::Require, None));
        assert!(
            settings("postgres://u@h/db?sslmode=strict")
                .is_err_and(|e| e.contains("sslmode `strict`"))
        );
    }
}
