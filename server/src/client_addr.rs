//! Who a request comes from: the connection's peer, or behind a reverse proxy the header it
//! is configured to write (`--client-ip-header`). Rate limits key on this address.
//!
//! Forwarding headers that arrive while none is configured mean the portal is probably behind
//! a proxy that was not declared, so every client shares the proxy's address (and one
//! allowance): that is logged once, loudly.

use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const FORWARDING_HEADERS: [&str; 4] = ["x-forwarded-for", "x-real-ip", "forwarded", "cf-connecting-ip"];

#[derive(Clone, Debug, Default)]
pub struct ClientAddr {
    header: Option<Arc<str>>,
    warned: Arc<AtomicBool>,
}

impl ClientAddr {
    /// `header`: the request header a trusted proxy writes the client's address to.
    pub fn new(header: Option<&str>) -> ClientAddr {
        let header = header.map(str::trim).filter(|h| !h.is_empty()).map(|h| h.to_ascii_lowercase().into());
        ClientAddr { header, warned: Arc::default() }
    }

    pub fn of(&self, headers: &HeaderMap, extensions: &Extensions) -> Option<IpAddr> {
        match self.header.as_deref() {
            Some(name) => {
                if let Some(ip) = headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    // The proxy appends the address it saw; earlier entries are the client's to write.
                    .and_then(|v| v.rsplit(',').next())
                    .and_then(|v| v.trim().parse().ok())
                {
                    return Some(ip);
                }
            }
            None => {
                if FORWARDING_HEADERS.iter().any(|h| headers.contains_key(*h))
                    && !self.warned.swap(true, Ordering::Relaxed)
                {
                    tracing::warn!(
                        "requests carry forwarding headers (X-Forwarded-For, X-Real-IP, Forwarded) but \
                         --client-ip-header is not set: behind a proxy, every client shares the proxy's \
                         address and one rate-limit allowance. Name the header your proxy writes."
                    );
                }
            }
        }
        extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
    }

    /// Whether forwarding headers arrived while no header was configured.
    pub fn saw_unconfigured_forwarding(&self) -> bool {
        self.warned.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (k.parse().unwrap(), v.parse().unwrap())).collect()
    }

    #[test]
    fn the_configured_header_names_the_client_and_its_last_entry_wins() {
        let addr = ClientAddr::new(Some("X-Forwarded-For"));
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9")]);
        assert_eq!(addr.of(&h, &Extensions::new()), Some("203.0.113.9".parse().unwrap()));
        assert!(!addr.saw_unconfigured_forwarding());
    }

    #[test]
    fn forwarding_headers_without_configuration_are_noticed() {
        let addr = ClientAddr::new(None);
        assert_eq!(addr.of(&headers(&[]), &Extensions::new()), None);
        assert!(!addr.saw_unconfigured_forwarding());
        assert_eq!(addr.of(&headers(&[("x-forwarded-for", "203.0.113.9")]), &Extensions::new()), None);
        assert!(addr.saw_unconfigured_forwarding(), "the peer address is used, and the operator told");
    }
}
