//! The unit one subscriber controls, which per-client limits count by: an IPv4 address, or an
//! IPv6 /64 (a home or a phone gets a whole /64, so single IPv6 addresses would give each
//! subscriber unlimited allowances). IPv4-mapped IPv6 addresses count as the IPv4 address.

use std::net::IpAddr;

pub fn subscriber(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => addr,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !0xFFFF_FFFF_FFFF_FFFFu128).into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_counts_by_64_and_mapped_ipv4_as_ipv4() {
        let a = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(subscriber(a("2001:db8:1:2::1")), subscriber(a("2001:db8:1:2:ffff::9")));
        assert_ne!(subscriber(a("2001:db8:1:2::1")), subscriber(a("2001:db8:1:3::1")));
        assert_eq!(subscriber(a("::ffff:10.0.0.1")), a("10.0.0.1"));
        assert_eq!(subscriber(a("10.0.0.1")), a("10.0.0.1"));
    }
}
