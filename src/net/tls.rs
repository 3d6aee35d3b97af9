//! Optional TLS (rustls, with the ring provider) for exercises over networks one does not trust.
//!
//! The server is given a certificate and key in PEM (`--tls-cert`, `--tls-key`);
//! consoles are given the certificate (or the CA that signed it) to trust
//! (`--tls-ca`). There is no fallback to an unverified connection.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio_rustls::rustls::pki_types::pem::{self, PemObject};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore, ServerConfig};
use tokio_rustls::{TlsAcceptor, TlsConnector};

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Why TLS could not be set up from the files given; each says what to give instead.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A certificate file that cannot be read as PEM.
    #[error("cannot read the certificate {}: {source}", path.display())]
    Certificate {
        /// The file.
        path: PathBuf,
        /// Why.
        source: pem::Error,
    },
    /// A file without a PEM certificate in it.
    #[error("{} holds no PEM certificate", path.display())]
    NoCertificate {
        /// The file.
        path: PathBuf,
    },
    /// A certificate that is not X.509.
    #[error("{}: the certificate cannot be read: {reason}", path.display())]
    Unparsable {
        /// The file.
        path: PathBuf,
        /// What the X.509 reader says.
        reason: String,
    },
    /// A certificate past its end date.
    #[error("{}: the certificate expired on {not_after}: consoles would refuse it; make a new one", path.display())]
    Expired {
        /// The file.
        path: PathBuf,
        /// Its end date.
        not_after: String,
    },
    /// A certificate before its start date.
    #[error(
        "{}: the certificate is not valid before {not_before}: consoles would refuse it until then \
         (check this computer's clock, or make a new one)",
        path.display()
    )]
    NotYetValid {
        /// The file.
        path: PathBuf,
        /// Its start date.
        not_before: String,
    },
    /// A CA certificate given as the server's own.
    #[error(
        "{}: the certificate is a CA certificate (basicConstraints CA:TRUE): consoles refuse one as \
         a server's own; make the server's certificate with CA:FALSE (and sign it with the CA if you \
         have one)",
        path.display()
    )]
    CaAsServer {
        /// The file.
        path: PathBuf,
    },
    /// A private key file that cannot be read as PEM.
    #[error("cannot read the private key {}: {source}", path.display())]
    Key {
        /// The file.
        path: PathBuf,
        /// Why.
        source: pem::Error,
    },
    /// The TLS library refused its own protocol versions (a fault of this build).
    #[error("{0}")]
    Versions(rustls::Error),
    /// The certificate and the key do not belong together.
    #[error("the certificate and key do not make a TLS identity: {0}")]
    Identity(rustls::Error),
    /// A certificate to trust that the TLS library refuses.
    #[error("cannot trust {}: {source}", path.display())]
    Trust {
        /// The file.
        path: PathBuf,
        /// Why.
        source: rustls::Error,
    },
    /// A host name that cannot name a server.
    #[error("`{name}` is not a valid server name: {reason}")]
    ServerName {
        /// The name as given.
        name: String,
        /// Why.
        reason: String,
    },
}

fn certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let unreadable = |source| TlsError::Certificate { path: path.to_path_buf(), source };
    let list: Result<Vec<_>, _> = CertificateDer::pem_file_iter(path).map_err(unreadable)?.collect();
    let list = list.map_err(unreadable)?;
    if list.is_empty() {
        return Err(TlsError::NoCertificate { path: path.to_path_buf() });
    }
    Ok(list)
}

/// What is wrong with a server certificate that would make every console refuse it: a CA
/// certificate used as the server's own, or dates that do not include now. None if neither.
pub fn unusable(cert: &Path, der: &[u8]) -> Option<TlsError> {
    let path = cert.to_path_buf();
    let (_, c) = match x509_parser::parse_x509_certificate(der) {
        Ok(c) => c,
        Err(e) => return Some(TlsError::Unparsable { path, reason: e.to_string() }),
    };
    let v = c.validity();
    let now = x509_parser::time::ASN1Time::now();
    if now > v.not_after {
        return Some(TlsError::Expired { path, not_after: v.not_after.to_string() });
    }
    if now < v.not_before {
        return Some(TlsError::NotYetValid { path, not_before: v.not_before.to_string() });
    }
    if c.is_ca() {
        return Some(TlsError::CaAsServer { path });
    }
    None
}

/// The server side, from PEM files; refuses a certificate that every console would refuse.
pub fn acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, TlsError> {
    let chain = certs(cert)?;
    if let Some(problem) = unusable(cert, &chain[0]) {
        return Err(problem);
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|source| TlsError::Key { path: key.to_path_buf(), source })?;
    let config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(TlsError::Versions)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(TlsError::Identity)?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// The console side: trust exactly the certificates in `ca`.
pub fn connector(ca: &Path) -> Result<TlsConnector, TlsError> {
    let mut roots = RootCertStore::empty();
    for c in certs(ca)? {
        roots.add(c).map_err(|source| TlsError::Trust { path: ca.to_path_buf(), source })?;
    }
    let config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(TlsError::Versions)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

/// The name to check the server's certificate against.
pub fn server_name(name: &str) -> Result<ServerName<'static>, TlsError> {
    ServerName::try_from(name.to_string())
        .map_err(|e| TlsError::ServerName { name: name.to_string(), reason: e.to_string() })
}
