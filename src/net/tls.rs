//! Optional TLS (rustls, with the ring provider) for exercises over networks one does not trust.
//!
//! The server is given a certificate and key in PEM (`--tls-cert`, `--tls-key`);
//! consoles are given the certificate (or the CA that signed it) to trust
//! (`--tls-ca`). There is no fallback to an unverified connection.

use std::path::Path;
use std::sync::Arc;

use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore, ServerConfig};
use tokio_rustls::{TlsAcceptor, TlsConnector};

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let list: Result<Vec<_>, _> = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("cannot read the certificate {}: {e}", path.display()))?
        .collect();
    let list = list.map_err(|e| format!("cannot read the certificate {}: {e}", path.display()))?;
    if list.is_empty() {
        return Err(format!("{} holds no PEM certificate", path.display()));
    }
    Ok(list)
}

/// What is wrong with a server certificate that would make every console refuse it: a CA
/// certificate used as the server's own, or dates that do not include now. None if neither.
pub fn unusable(cert: &Path, der: &[u8]) -> Option<String> {
    let (_, c) = match x509_parser::parse_x509_certificate(der) {
        Ok(c) => c,
        Err(e) => return Some(format!("{}: the certificate cannot be read: {e}", cert.display())),
    };
    let v = c.validity();
    let now = x509_parser::time::ASN1Time::now();
    if now > v.not_after {
        return Some(format!(
            "{}: the certificate expired on {}: consoles would refuse it; make a new one",
            cert.display(),
            v.not_after
        ));
    }
    if now < v.not_before {
        return Some(format!(
            "{}: the certificate is not valid before {}: consoles would refuse it until then \
             (check this computer's clock, or make a new one)",
            cert.display(),
            v.not_before
        ));
    }
    if c.is_ca() {
        return Some(format!(
            "{}: the certificate is a CA certificate (basicConstraints CA:TRUE): consoles refuse one as \
             a server's own; make the server's certificate with CA:FALSE (and sign it with the CA if you \
             have one)",
            cert.display()
        ));
    }
    None
}

/// The server side, from PEM files; refuses a certificate that every console would refuse.
pub fn acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, String> {
    let chain = certs(cert)?;
    if let Some(problem) = unusable(cert, &chain[0]) {
        return Err(problem);
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("cannot read the private key {}: {e}", key.display()))?;
    let config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("the certificate and key do not make a TLS identity: {e}"))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// The console side: trust exactly the certificates in `ca`.
pub fn connector(ca: &Path) -> Result<TlsConnector, String> {
    let mut roots = RootCertStore::empty();
    for c in certs(ca)? {
        roots.add(c).map_err(|e| format!("cannot trust {}: {e}", ca.display()))?;
    }
    let config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

/// The name to check the server's certificate against.
pub fn server_name(name: &str) -> Result<ServerName<'static>, String> {
    ServerName::try_from(name.to_string()).map_err(|e| format!("`{name}` is not a valid server name: {e}"))
}
