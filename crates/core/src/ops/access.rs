//! Who may read `/metrics` (the `[metrics]` settings): clients from the listed addresses or
//! networks, or anyone with the operator's token. Metrics name routes, counts and queue
//! depths: useful to an attacker sizing the installation, so by default only this machine
//! may read them.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsAccess {
    /// Addresses (`10.0.0.5`, `::1`) or networks (`10.0.0.0/8`, `fd00::/8`) that may read
    /// `/metrics`.
    pub allow: Vec<String>,
    /// A token that also opens `/metrics` from anywhere, sent as `Authorization: Bearer …`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl Default for MetricsAccess {
    fn default() -> Self {
        MetricsAccess {
            allow: vec!["127.0.0.1".into(), "::1".into()],
            token: None,
        }
    }
}

impl MetricsAccess {
    /// Whether a client at `client` (if known), sending `bearer` (if any), may read metrics.
    pub fn permits(&self, client: Option<IpAddr>, bearer: Option<&str>) -> bool {
        if let (Some(token), Some(given)) = (self.token.as_deref(), bearer) {
            // An empty token would let an empty header in: it opens nothing.
            if !token.is_empty() && same_secret(token.as_bytes(), given.as_bytes()) {
                return true;
            }
        }
        let Some(client) = client else {
            return false;
        };
        self.allow
            .iter()
            .filter_map(|a| Network::parse(a).ok())
            .any(|n| n.contains(client))
    }

    /// Every `allow` entry must read as an address or a network: a typo would otherwise
    /// lock the monitoring out without a word.
    pub fn check(&self) -> Result<(), String> {
        for a in &self.allow {
            Network::parse(a).map_err(|e| format!("`metrics.allow` entry {a:?}: {e}"))?;
        }
        Ok(())
    }
}

/// Compares without stopping at the first difference, so the time taken does not tell an
/// attacker how much of a guess was right.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// An address and how many leading bits of it must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    fn parse(s: &str) -> Result<Network, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| "not an IP address or network (e.g. 10.0.0.0/8)".to_string())?;
        let addr = addr.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("the prefix length must be 0 to {max}"))?,
        };
        Ok(Network { addr, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        // An IPv4 client on a dual-stack socket arrives as ::ffff:a.b.c.d.
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => same_prefix(
                u128::from(u32::from(net)) << 96,
                u128::from(u32::from(ip)) << 96,
                self.prefix,
            ),
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                same_prefix(u128::from(net), u128::from(ip), self.prefix)
            }
            _ => false,
        }
    }
}

/// Whether the first `bits` bits (from the left of 128) of `a` and `b` agree.
fn same_prefix(a: u128, b: u128, bits: u8) -> bool {
    match bits {
        0 => true,
        b2 if b2 >= 128 => a == b,
        _ => (a ^ b) >> (128 - u32::from(bits)) == 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    #[test]
    fn loopback_only_by_default() {
        let a = MetricsAccess::default();
        assert!(a.permits(ip("127.0.0.1"), None));
        assert!(a.permits(ip("::1"), None));
        assert!(a.permits(ip("::ffff:127.0.0.1"), None));
        assert!(!a.permits(ip("127.0.0.2"), None));
        assert!(!a.permits(ip("10.1.2.3"), None));
        assert!(!a.permits(None, None));
        assert!(
            !a.permits(None, Some("")),
            "no token configured opens nothing"
        );
    }

    #[test]
    fn networks_and_tokens() {
        let a = MetricsAccess {
            allow: vec!["10.0.0.0/8".into(), "fd00::/8".into(), "192.0.2.7".into()],
            token: Some("s3cret".into()),
        };
        assert!(a.check().is_ok());
        assert!(a.permits(ip("10.200.3.4"), None));
        assert!(!a.permits(ip("11.0.0.1"), None));
        assert!(a.permits(ip("fd12::1"), None));
        assert!(!a.permits(ip("fe80::1"), None));
        assert!(a.permits(ip("192.0.2.7"), None));
        assert!(!a.permits(ip("192.0.2.8"), None));
        assert!(a.permits(ip("203.0.113.9"), Some("s3cret")));
        assert!(a.permits(None, Some("s3cret")));
        assert!(!a.permits(ip("203.0.113.9"), Some("s3cre")));
        assert!(!a.permits(ip("203.0.113.9"), Some("s3cret!")));

        let anyone = MetricsAccess {
            allow: vec!["0.0.0.0/0".into()],
            token: Some(String::new()),
        };
        assert!(anyone.permits(ip("203.0.113.9"), None));
        assert!(
            !anyone.permits(ip("2001:db8::1"), None),
            "v4 networks hold v4 only"
        );
        assert!(!MetricsAccess {
            allow: vec![],
            ..anyone
        }
        .permits(None, Some("")));
    }

    #[test]
    fn bad_entries_are_named() {
        for bad in ["localhost", "10.0.0.0/33", "::/129", "10.0.0.0/x", ""] {
            let a = MetricsAccess {
                allow: vec![bad.into()],
                token: None,
            };
            let e = a.check().unwrap_err();
            assert!(e.contains("metrics.allow") && e.contains(bad), "{e}");
        }
    }
}
