//! The audit log's hash chain. Every change made by a person or a token is appended as an
//! entry that carries the hash of the entry before it, and its own hash covers its number, its
//! content and that link. So an entry edited in place, deleted or moved breaks the chain at a
//! place [`verify`] names; and deleting the newest entries is caught by anyone who kept an
//! earlier [`Head`] (the portal publishes one each day).

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The link of the first entry: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What is recorded of one change, as stored (text, so the hash is over exactly those bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// When, as [`timestamp`] writes it.
    pub at: String,
    /// Who: `user:<id>`, `token:<id>` or `shell` (the command line on the server).
    pub actor: String,
    /// The actor's role code, when a person.
    pub role: Option<String>,
    /// What was done, e.g. `user.add`, `complaint.accept`.
    pub action: String,
    /// What it was done to, e.g. `user:4`, `venue:12`.
    pub object: String,
    /// The object's relevant fields before and after, as JSON.
    pub before: Option<String>,
    pub after: Option<String>,
    /// The address the request came from.
    pub address: Option<String>,
}

/// One entry of the chain: its number (from 1), the change, the link and its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub seq: i64,
    pub change: Change,
    pub prev_hash: String,
    pub hash: String,
}

/// The chain's newest entry: how many there are and the last hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub count: i64,
    pub hash: String,
}

/// Where and how a chain is broken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Break {
    #[error("entry {seq} was changed after it was written (its hash does not match its content)")]
    Altered { seq: i64 },
    #[error("entry {expected} is missing (the next one found is {found})")]
    Missing { expected: i64, found: i64 },
    #[error("entry {seq} does not follow the entry before it (entries were removed or moved)")]
    Unlinked { seq: i64 },
    #[error("the log ends at entry {count} but a head of {kept} entries was published")]
    Truncated { count: i64, kept: i64 },
    #[error("entry {seq} differs from the published head (history was rewritten)")]
    Rewritten { seq: i64 },
}

/// The stored form of a moment: RFC 3339 in UTC with microseconds.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The hash of entry `seq` holding `change`, linked to `prev_hash`: SHA-256 over every field,
/// each length-prefixed (so no two different entries hash the same bytes), as hex.
pub fn entry_hash(seq: i64, change: &Change, prev_hash: &str) -> String {
    let mut hasher = Sha256::new();
    let mut field = |value: Option<&str>| match value {
        None => hasher.update(b"-"),
        Some(v) => {
            hasher.update(v.len().to_string().as_bytes());
            hasher.update(b":");
            hasher.update(v.as_bytes());
        }
    };
    field(Some("mingchu-audit-v1"));
    field(Some(&seq.to_string()));
    field(Some(prev_hash));
    field(Some(&change.at));
    field(Some(&change.actor));
    field(change.role.as_deref());
    field(Some(&change.action));
    field(Some(&change.object));
    field(change.before.as_deref());
    field(change.after.as_deref());
    field(change.address.as_deref());
    hex::encode(hasher.finalize())
}

/// The entry that follows `head` (`None`: the first entry).
pub fn next_entry(head: Option<&Head>, change: Change) -> Entry {
    let (seq, prev_hash) = match head {
        Some(h) => (h.count + 1, h.hash.clone()),
        None => (1, GENESIS.to_string()),
    };
    let hash = entry_hash(seq, &change, &prev_hash);
    Entry { seq, change, prev_hash, hash }
}

/// Checks the whole chain, in the order given (by `seq`), and returns its head; `kept` is a
/// head published earlier, which the chain must still contain unchanged.
pub fn verify<'a>(entries: impl IntoIterator<Item = &'a Entry>, kept: Option<&Head>) -> Result<Option<Head>, Break> {
    let mut verifier = Verifier::new(kept.cloned());
    for entry in entries {
        verifier.check(entry)?;
    }
    verifier.finish()
}

/// [`verify`] one entry at a time, for a log read as a stream.
pub struct Verifier {
    kept: Option<Head>,
    expected_seq: i64,
    prev: String,
    head: Option<Head>,
}

impl Verifier {
    pub fn new(kept: Option<Head>) -> Verifier {
        Verifier { kept, expected_seq: 1, prev: GENESIS.to_string(), head: None }
    }

    /// The next entry, in order.
    pub fn check(&mut self, entry: &Entry) -> Result<(), Break> {
        if entry.seq != self.expected_seq {
            return Err(Break::Missing { expected: self.expected_seq, found: entry.seq });
        }
        if entry.hash != entry_hash(entry.seq, &entry.change, &entry.prev_hash) {
            return Err(Break::Altered { seq: entry.seq });
        }
        if entry.prev_hash != self.prev {
            return Err(Break::Unlinked { seq: entry.seq });
        }
        if let Some(k) = self.kept.as_ref().filter(|k| k.count == entry.seq) {
            if k.hash != entry.hash {
                return Err(Break::Rewritten { seq: entry.seq });
            }
        }
        self.prev = entry.hash.clone();
        self.head = Some(Head { count: entry.seq, hash: entry.hash.clone() });
        self.expected_seq += 1;
        Ok(())
    }

    /// After the last entry: the head, unless the log is shorter than the kept head.
    pub fn finish(self) -> Result<Option<Head>, Break> {
        let count = self.head.as_ref().map_or(0, |h| h.count);
        if let Some(k) = self.kept.filter(|k| k.count > count) {
            return Err(Break::Truncated { count, kept: k.count });
        }
        Ok(self.head)
    }
}

/// Who made a change, as the log records them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Who {
    /// `user:<id>`, `token:<id>` or [`Who::SHELL`].
    pub actor: String,
    pub role: Option<String>,
    pub address: Option<String>,
}

impl Who {
    /// The command line on the server (whoever can run it owns the database anyway).
    pub const SHELL: &'static str = "shell";

    pub fn shell() -> Who {
        Who { actor: Who::SHELL.into(), role: None, address: None }
    }

    /// The change `action` to `object` made by this actor at `at`.
    pub fn did(
        &self,
        at: DateTime<Utc>,
        action: &str,
        object: &str,
        before: Option<String>,
        after: Option<String>,
    ) -> Change {
        Change {
            at: timestamp(at),
            actor: self.actor.clone(),
            role: self.role.clone(),
            action: action.into(),
            object: object.into(),
            before,
            after,
            address: self.address.clone(),
        }
    }
}

/// Parses a head as printed and published: `<count>:<hash>`.
pub fn parse_head(text: &str) -> Option<Head> {
    let (count, hash) = text.trim().split_once(':')?;
    let count = count.parse().ok().filter(|c| *c >= 0)?;
    (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| Head { count, hash: hash.to_ascii_lowercase() })
}

impl std::fmt::Display for Head {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.count, self.hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(n: u32) -> Change {
        Change {
            at: format!("2026-12-01T08:00:{n:02}.000000Z"),
            actor: "user:1".into(),
            role: Some("administrator".into()),
            action: "user.add".into(),
            object: format!("user:{}", n + 1),
            before: None,
            after: Some(format!(r#"{{"login":"user{n}"}}"#)),
            address: Some("203.0.113.7".into()),
        }
    }

    fn chain(n: u32) -> Vec<Entry> {
        let mut entries: Vec<Entry> = Vec::new();
        for i in 0..n {
            let head = entries.last().map(|e| Head { count: e.seq, hash: e.hash.clone() });
            entries.push(next_entry(head.as_ref(), change(i)));
        }
        entries
    }

    #[test]
    fn an_intact_chain_verifies_to_its_head() {
        let entries = chain(5);
        let head = verify(&entries, None).unwrap().unwrap();
        assert_eq!(head.count, 5);
        assert_eq!(head.hash, entries[4].hash);
        assert_eq!(entries[0].prev_hash, GENESIS);
        assert_eq!(verify(&[], None), Ok(None));
        // A head kept earlier is still in it.
        let kept = Head { count: 3, hash: entries[2].hash.clone() };
        assert_eq!(verify(&entries, Some(&kept)).unwrap().unwrap().count, 5);
    }

    #[test]
    fn an_edited_entry_is_named() {
        let mut entries = chain(5);
        entries[2].change.after = Some(r#"{"login":"someone-else"}"#.into());
        assert_eq!(verify(&entries, None), Err(Break::Altered { seq: 3 }));
        // Editing and re-hashing it breaks the next link instead.
        entries[2].hash = entry_hash(3, &entries[2].change, &entries[2].prev_hash);
        assert_eq!(verify(&entries, None), Err(Break::Unlinked { seq: 4 }));
    }

    #[test]
    fn a_deleted_entry_is_named() {
        let mut entries = chain(5);
        entries.remove(1);
        assert_eq!(verify(&entries, None), Err(Break::Missing { expected: 2, found: 3 }));
    }

    #[test]
    fn reordered_entries_are_caught() {
        let mut entries = chain(5);
        entries.swap(1, 2);
        assert_eq!(verify(&entries, None), Err(Break::Missing { expected: 2, found: 3 }));
        // Renumbered to look in order: the numbers are inside the hashes.
        entries[1].seq = 2;
        entries[2].seq = 3;
        assert_eq!(verify(&entries, None), Err(Break::Altered { seq: 2 }));
    }

    #[test]
    fn the_newest_entries_deleted_or_rewritten_are_caught_by_a_kept_head() {
        let entries = chain(5);
        let kept = Head { count: 5, hash: entries[4].hash.clone() };
        assert_eq!(verify(&entries[..3], Some(&kept)), Err(Break::Truncated { count: 3, kept: 5 }));
        // The whole history after entry 3 written anew, correctly chained, but different.
        let mut rewritten = entries[..3].to_vec();
        for i in 3..5 {
            let head = rewritten.last().map(|e| Head { count: e.seq, hash: e.hash.clone() });
            let mut c = change(i);
            c.action = "user.disable".into();
            rewritten.push(next_entry(head.as_ref(), c));
        }
        assert_eq!(verify(&rewritten, None).unwrap().unwrap().count, 5, "consistent on its own");
        assert_eq!(verify(&rewritten, Some(&kept)), Err(Break::Rewritten { seq: 5 }));
    }

    #[test]
    fn a_head_prints_and_parses_back() {
        let head = Head { count: 12, hash: "ab".repeat(32) };
        assert_eq!(parse_head(&head.to_string()), Some(head));
        assert_eq!(parse_head("12:abc"), None);
        assert_eq!(parse_head("-1:".to_string().as_str()), None);
    }

    #[test]
    fn fields_cannot_be_shifted_between_each_other() {
        let mut a = change(1);
        let mut b = change(1);
        a.action = "user.add".into();
        a.object = "user:2".into();
        b.action = "user.adduser:2".into();
        b.object = String::new();
        assert_ne!(entry_hash(1, &a, GENESIS), entry_hash(1, &b, GENESIS));
        b = a.clone();
        b.role = None;
        a.role = Some(String::new());
        assert_ne!(entry_hash(1, &a, GENESIS), entry_hash(1, &b, GENESIS));
    }
}
