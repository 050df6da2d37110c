//! Lookups the SFU needs per packet and per frame without scanning every viewer: viewers by
//! camera (a frame goes to its camera's viewers), by the transport and source address a packet
//! comes from (UDP, or an ICE-TCP connection),
//! and by our ICE username fragment (the first datagram from a new address is a STUN request
//! naming it). Also what the viewer limits count: viewers per client address and trickled
//! candidates per session.

use super::ViewerId;
use mingchu_domain::subscriber::subscriber;
use mingchu_domain::vocab::CameraId;
use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use str0m::net::Protocol;

/// Where a packet came from: the same address may speak UDP and hold a TCP connection.
pub(super) type Source = (Protocol, SocketAddr);

/// A viewer's source addresses remembered for routing (ICE may try several).
const MAX_SOURCES: usize = 8;

#[derive(Default)]
pub(super) struct Index {
    by_camera: HashMap<CameraId, HashSet<ViewerId>>,
    by_address: HashMap<IpAddr, usize>,
    by_ufrag: HashMap<String, ViewerId>,
    by_source: HashMap<Source, ViewerId>,
    entries: HashMap<ViewerId, Entry>,
}

struct Entry {
    camera: CameraId,
    address: Option<IpAddr>,
    ufrag: Option<String>,
    sources: Vec<Source>,
    candidates: usize,
}

impl Index {
    pub fn insert(&mut self, id: ViewerId, camera: CameraId, address: Option<IpAddr>, answer_sdp: &str) {
        let address = address.map(subscriber);
        let ufrag = answer_sdp.lines().find_map(|l| l.trim().strip_prefix("a=ice-ufrag:")).map(str::to_string);
        self.by_camera.entry(camera).or_default().insert(id);
        if let Some(a) = address {
            *self.by_address.entry(a).or_default() += 1;
        }
        if let Some(u) = &ufrag {
            self.by_ufrag.insert(u.clone(), id);
        }
        self.entries.insert(id, Entry { camera, address, ufrag, sources: Vec::new(), candidates: 0 });
    }

    pub fn remove(&mut self, id: ViewerId) {
        let Some(entry) = self.entries.remove(&id) else { return };
        if let Some(set) = self.by_camera.get_mut(&entry.camera) {
            set.remove(&id);
            if set.is_empty() {
                self.by_camera.remove(&entry.camera);
            }
        }
        if let Some(a) = entry.address {
            if let Some(n) = self.by_address.get_mut(&a) {
                *n -= 1;
                if *n == 0 {
                    self.by_address.remove(&a);
                }
            }
        }
        if let Some(u) = entry.ufrag {
            self.by_ufrag.remove(&u);
        }
        for s in entry.sources {
            if self.by_source.get(&s) == Some(&id) {
                self.by_source.remove(&s);
            }
        }
    }

    pub fn viewers_of(&self, camera: CameraId) -> impl Iterator<Item = ViewerId> + '_ {
        self.by_camera.get(&camera).into_iter().flatten().copied()
    }

    pub fn count_of(&self, camera: CameraId) -> usize {
        self.by_camera.get(&camera).map_or(0, HashSet::len)
    }

    pub fn count_from(&self, address: IpAddr) -> usize {
        self.by_address.get(&subscriber(address)).copied().unwrap_or(0)
    }

    /// The viewer a datagram from `source` is probably for: the one that source spoke to
    /// before, else the one a STUN request names by our username fragment.
    pub fn route(&self, source: Source, data: &[u8]) -> Option<ViewerId> {
        if let Some(id) = self.by_source.get(&source) {
            return Some(*id);
        }
        let username = stun_username(data)?;
        let ours = username.split(':').next()?;
        self.by_ufrag.get(ours).copied()
    }

    /// `source` spoke to `id`: route its datagrams there from now on.
    pub fn learned(&mut self, id: ViewerId, source: Source) {
        let Some(entry) = self.entries.get_mut(&id) else { return };
        if self.by_source.get(&source) == Some(&id) || entry.sources.len() >= MAX_SOURCES {
            return;
        }
        entry.sources.push(source);
        self.by_source.insert(source, id);
    }

    /// Counts `n` more trickled candidates for `id`; false once past `max`.
    pub fn add_candidates(&mut self, id: ViewerId, n: usize, max: usize) -> bool {
        match self.entries.get_mut(&id) {
            Some(entry) if entry.candidates + n <= max => {
                entry.candidates += n;
                true
            }
            _ => false,
        }
    }
}

/// The USERNAME of a STUN message (RFC 8489), if `data` is one and has it.
fn stun_username(data: &[u8]) -> Option<&str> {
    if data.len() < 20 || data[0] & 0xC0 != 0 || data[4..8] != [0x21, 0x12, 0xA4, 0x42] {
        return None;
    }
    let length = u16::from_be_bytes([data[2], data[3]]) as usize;
    let body = data.get(20..20 + length)?;
    let mut at = 0;
    while at + 4 <= body.len() {
        let kind = u16::from_be_bytes([body[at], body[at + 1]]);
        let len = u16::from_be_bytes([body[at + 2], body[at + 3]]) as usize;
        let value = body.get(at + 4..at + 4 + len)?;
        if kind == 0x0006 {
            return std::str::from_utf8(value).ok();
        }
        at += 4 + len.div_ceil(4) * 4;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stun_request(username: &str) -> Vec<u8> {
        let mut attr = vec![0x00, 0x06];
        attr.extend_from_slice(&(username.len() as u16).to_be_bytes());
        attr.extend_from_slice(username.as_bytes());
        while attr.len() % 4 != 0 {
            attr.push(0);
        }
        let mut msg = vec![0x00, 0x01];
        msg.extend_from_slice(&(attr.len() as u16).to_be_bytes());
        msg.extend_from_slice(&[0x21, 0x12, 0xA4, 0x42]);
        msg.extend_from_slice(&[7; 12]);
        msg.extend_from_slice(&attr);
        msg
    }

    #[test]
    fn datagrams_find_their_viewer_by_source_then_by_username() {
        let mut index = Index::default();
        index.insert(ViewerId(1), CameraId(1), None, "v=0\r\na=ice-ufrag:abcd\r\n");
        index.insert(ViewerId(2), CameraId(1), None, "v=0\r\na=ice-ufrag:wxyz\r\n");
        let source = (Protocol::Udp, "192.0.2.1:5000".parse().unwrap());
        let tcp = (Protocol::Tcp, source.1);
        assert_eq!(index.route(source, &stun_request("wxyz:peer")), Some(ViewerId(2)));
        assert_eq!(index.route(source, b"\x16\xfe\xfd dtls"), None, "unknown source, not STUN");
        index.learned(ViewerId(2), source);
        assert_eq!(index.route(source, b"\x16\xfe\xfd dtls"), Some(ViewerId(2)));
        assert_eq!(index.route(tcp, b"\x16\xfe\xfd dtls"), None, "the same address over TCP is another source");
        assert_eq!(index.route(source, &stun_request("nope:peer")), Some(ViewerId(2)), "the source decides first");
        index.remove(ViewerId(2));
        assert_eq!(index.route(source, b"\x16\xfe\xfd dtls"), None);
        assert_eq!(index.count_of(CameraId(1)), 1);
    }

    #[test]
    fn counts_per_address_group_ipv6_by_64() {
        let mut index = Index::default();
        index.insert(ViewerId(1), CameraId(1), Some("2001:db8::1".parse().unwrap()), "");
        index.insert(ViewerId(2), CameraId(2), Some("2001:db8::2".parse().unwrap()), "");
        assert_eq!(index.count_from("2001:db8::ffff".parse().unwrap()), 2);
        index.remove(ViewerId(1));
        assert_eq!(index.count_from("2001:db8::ffff".parse().unwrap()), 1);
        assert!(index.add_candidates(ViewerId(2), 3, 4));
        assert!(!index.add_candidates(ViewerId(2), 2, 4));
    }
}
