//! Citizens' complaints: checking a submission, cleaning its photos, storing it durably and
//! exactly once, and the public views. HTTP lives in `http::complaints` and `http::open311`.

pub mod budget;
pub mod intake;
pub mod limiter;
pub mod photo;
pub mod reference;
pub mod store;
pub mod token;

use crate::client_addr::ClientAddr;
use crate::db::{Db, DbError, NewComplaint, Stored, StoredPhoto};
use app::api::ssr::ComplaintDesk;
use app::api::{ComplaintDraft, FormVenue, PhotoFault, Problem, PublicComplaint, MAX_PHOTOS};
use app::error::AppError;
use limiter::Limiter;
use mingchu_domain::vocab::VenueId;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use store::PhotoStore;
use token::{TokenCheck, TokenKey};

#[derive(Debug, thiserror::Error)]
pub enum ComplaintError {
    #[error("cannot write complaint photos: {0}")]
    Photos(#[from] std::io::Error),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// One uploaded file, as received. `bytes` is `None` when it was over the size limit (the
/// upload was not kept).
#[derive(Debug, Clone)]
pub struct Upload {
    pub name: String,
    pub bytes: Option<Vec<u8>>,
}

/// A submission from the web form.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    pub token: String,
    pub honeypot: String,
    pub draft: ComplaintDraft,
    pub photos: Vec<Upload>,
}

/// The outcome the citizen sees.
#[derive(Debug)]
pub enum Outcome {
    /// Stored (or stored earlier under the same form token, when `replayed`).
    Stored { reference: String, replayed: bool },
    /// Nothing stored; every problem, and the token the form should carry next time.
    Refused { problems: Vec<Problem>, token: Option<String> },
}

/// The complaint desk: shared by the HTTP handlers and provided to the pages.
#[derive(Clone)]
pub struct Complaints {
    db: Db,
    photos: PhotoStore,
    key: TokenKey,
    limiter: Arc<Mutex<Limiter>>,
    epoch: Instant,
    /// What photo decoding may take at once.
    decoding: budget::DecodeBudget,
    /// Look-ups of references that do not exist, per address: the reference is the key to a
    /// complaint's page, so guessing must be slow.
    misses: Arc<Mutex<Limiter>>,
    client_addr: ClientAddr,
}

/// Look-ups of unknown references allowed per address per hour (and in a burst).
pub const LOOKUP_MISSES_PER_HOUR: u32 = 60;

#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    #[error("too many look-ups of unknown references; try again in {0} minutes")]
    RateLimited(u64),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl Complaints {
    /// Opens the photo folder (sweeping what a crash left) and loads the token key.
    pub async fn open(
        db: Db,
        photo_root: std::path::PathBuf,
        per_hour: u32,
        decode_memory: u64,
        client_addr: ClientAddr,
    ) -> Result<Complaints, ComplaintError> {
        let photos = PhotoStore::open(photo_root.clone())?;
        let known = db.complaint_photo_files().await?.into_iter().collect();
        let swept = photos.sweep(&known, std::time::Duration::from_secs(600))?;
        if swept.quarantined > 0 {
            tracing::warn!(
                files = swept.quarantined,
                folder = %photo_root.join(store::QUARANTINE).display(),
                "complaint photos that no complaint in this database refers to were moved to quarantine \
                 (is this the right database?); nothing was deleted"
            );
        }
        let key = db.server_secret("complaint_form_key", || TokenKey::random().bytes().to_vec()).await?;
        let key = TokenKey::from_bytes(&key).ok_or_else(|| DbError::Corrupt("complaint form key".into()))?;
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Ok(Complaints {
            db,
            photos,
            key,
            limiter: Arc::new(Mutex::new(Limiter::new(per_hour))),
            epoch: Instant::now(),
            decoding: budget::DecodeBudget::new(decode_memory, cores),
            misses: Arc::new(Mutex::new(Limiter::new(LOOKUP_MISSES_PER_HOUR))),
            client_addr,
        })
    }

    pub fn photos(&self) -> &PhotoStore {
        &self.photos
    }

    pub fn issue(&self) -> String {
        self.key.issue(chrono::Utc::now().timestamp())
    }

    /// Takes one submission from `addr`'s allowance: `Err(minutes to wait)` when spent.
    fn charge(&self, addr: IpAddr) -> Result<(), u64> {
        let now = self.epoch.elapsed().as_secs_f64();
        let mut limiter = self.limiter.lock().unwrap_or_else(|e| e.into_inner());
        limiter.take(addr, now).map_err(|secs| secs.div_ceil(60).max(1))
    }

    /// Whether `addr` has a submission left, without taking it: `Err(minutes to wait)`.
    pub fn check_allowance(&self, addr: IpAddr) -> Result<(), u64> {
        let now = self.epoch.elapsed().as_secs_f64();
        let limiter = self.limiter.lock().unwrap_or_else(|e| e.into_inner());
        if limiter.allows(addr, now) {
            Ok(())
        } else {
            Err(limiter.wait(addr, now).div_ceil(60).max(1))
        }
    }

    /// Refuses look-ups from an address that has guessed too many unknown references.
    pub fn lookup_allowed(&self, ip: Option<IpAddr>) -> Result<(), LookupError> {
        let Some(ip) = ip else { return Ok(()) };
        let now = self.epoch.elapsed().as_secs_f64();
        let misses = self.misses.lock().unwrap_or_else(|e| e.into_inner());
        if misses.allows(ip, now) {
            Ok(())
        } else {
            Err(LookupError::RateLimited(misses.wait(ip, now).div_ceil(60).max(1)))
        }
    }

    /// Counts a look-up of a reference that does not exist against `ip`.
    pub fn lookup_missed(&self, ip: Option<IpAddr>) {
        if let Some(ip) = ip {
            let now = self.epoch.elapsed().as_secs_f64();
            let _ = self.misses.lock().unwrap_or_else(|e| e.into_inner()).take(ip, now);
        }
    }

    /// A complaint's public view, as `ip` may see it; `None` for an unknown reference.
    pub async fn look_up(&self, ip: Option<IpAddr>, reference: &str) -> Result<Option<PublicComplaint>, LookupError> {
        self.lookup_allowed(ip)?;
        let Some(reference) = reference::normalize(reference) else { return Ok(None) };
        let found = self.db.public_complaint(&reference).await?;
        if found.is_none() {
            self.lookup_missed(ip);
        }
        Ok(found)
    }

    /// The answer to a form already stored under its token, if it was: the same complaint for
    /// a retry, or a refusal with a fresh form when the form is being reused for another one.
    pub async fn replay(&self, token: &str, draft: &ComplaintDraft) -> Result<Option<Outcome>, ComplaintError> {
        let now = chrono::Utc::now();
        let nonce = match self.key.check(token, now.timestamp()) {
            TokenCheck::Valid { nonce } | TokenCheck::Expired { nonce } => nonce,
            TokenCheck::Invalid => return Ok(None),
        };
        let Some((reference, stored_hash)) = self.db.complaint_by_key(&nonce).await? else { return Ok(None) };
        let same = intake::check(draft, now).is_ok_and(|c| c.fingerprint() == stored_hash);
        Ok(Some(if same {
            Outcome::Stored { reference, replayed: true }
        } else {
            Outcome::Refused { problems: vec![Problem::AlreadySubmitted { reference }], token: Some(self.issue()) }
        }))
    }

    /// Checks and stores a web-form submission from `ip`. Nothing is stored unless everything
    /// is right; the address's allowance is charged once the form and its fields are.
    pub async fn submit(&self, sub: Submission, ip: Option<IpAddr>) -> Result<Outcome, ComplaintError> {
        let now = chrono::Utc::now();
        let refuse = |problems: Vec<Problem>, token: Option<String>| Ok(Outcome::Refused { problems, token });
        if let Some(outcome) = self.replay(&sub.token, &sub.draft).await? {
            return Ok(outcome);
        }
        let key = match self.key.check(&sub.token, now.timestamp()) {
            TokenCheck::Valid { nonce } => nonce,
            TokenCheck::Expired { .. } => return refuse(vec![Problem::FormExpired], Some(self.issue())),
            TokenCheck::Invalid => return refuse(vec![Problem::FormInvalid], Some(self.issue())),
        };
        if !sub.honeypot.trim().is_empty() {
            return refuse(vec![Problem::Automated], None);
        }
        let mut problems = match intake::check(&sub.draft, now) {
            Ok(_) => Vec::new(),
            Err(p) => p,
        };
        if let Some(venue) = sub.draft.venue {
            match self.db.complaint_venue(venue).await? {
                None => problems.push(Problem::UnknownVenue),
                Some(v) => {
                    let camera = sub.draft.camera.trim().parse::<i64>().ok();
                    if camera.is_some_and(|c| !v.cameras.iter().any(|(id, _)| *id == c)) {
                        problems.push(Problem::UnknownCamera);
                    }
                }
            }
        }
        if sub.photos.len() > MAX_PHOTOS {
            problems.push(Problem::TooManyPhotos);
        }
        // Photos cost a core and up to hundreds of MB each: decoded only for a submission that
        // is otherwise right, so junk text fields cannot make the server decode anything.
        // Their headers are still read (cheap), so every problem is reported at once.
        if !problems.is_empty() {
            for upload in &sub.photos {
                let fault = match &upload.bytes {
                    None => Some(PhotoFault::TooBig),
                    Some(bytes) => photo::decode_cost(bytes).err(),
                };
                if let Some(fault) = fault {
                    problems.push(Problem::Photo { file: upload.name.clone(), fault });
                }
            }
            problems.dedup();
            return refuse(problems, None);
        }
        if let Some(Err(minutes)) = ip.map(|ip| self.charge(ip)) {
            return refuse(vec![Problem::RateLimited { retry_after_minutes: minutes }], None);
        }
        let cleaned = clean_photos(&self.decoding, sub.photos).await?;
        let mut good = Vec::new();
        for (name, result) in cleaned {
            match result {
                Ok(photo) => good.push((name, photo)),
                Err(fault) => problems.push(Problem::Photo { file: name, fault }),
            }
        }
        if !problems.is_empty() {
            problems.dedup();
            return refuse(problems, None);
        }
        let new = NewComplaint {
            idempotency_key: key,
            fields: intake::check(&sub.draft, now).expect("checked above"),
            source: "web".into(),
            open311_token: None,
            lat: None,
            long: None,
            media_url: None,
            new_reference: reference::generate,
        };
        self.store(&new, good).await
    }

    /// Writes the photos durably, then commits the row; an idempotent replay that raced us
    /// gets the earlier complaint and our files are removed.
    pub async fn store(
        &self,
        new: &NewComplaint,
        photos: Vec<(String, photo::CleanPhoto)>,
    ) -> Result<Outcome, ComplaintError> {
        let store = self.photos.clone();
        let saved = tokio::task::spawn_blocking(move || {
            let mut saved = Vec::new();
            for (name, p) in photos {
                match store.save(&p.jpeg) {
                    Ok(file) => saved.push(StoredPhoto {
                        file,
                        original_name: name,
                        width: p.width,
                        height: p.height,
                        bytes: p.jpeg.len(),
                        sha256: p.sha256,
                    }),
                    Err(e) => {
                        for s in &saved {
                            store.remove(&s.file);
                        }
                        return Err(e);
                    }
                }
            }
            Ok(saved)
        })
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))??;
        let stored = self.db.store_complaint(new, &saved, chrono::Utc::now()).await;
        match stored {
            Ok(Stored::New(reference)) => {
                tracing::info!(venue = new.fields.venue.0, %reference, photos = saved.len(), "complaint stored");
                Ok(Outcome::Stored { reference, replayed: false })
            }
            Ok(Stored::Existing(reference)) => {
                saved.iter().for_each(|s| self.photos.remove(&s.file));
                Ok(Outcome::Stored { reference, replayed: true })
            }
            Err(e) => {
                saved.iter().for_each(|s| self.photos.remove(&s.file));
                Err(e.into())
            }
        }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }
}

/// Decodes and re-encodes the uploads on the blocking pool (it is CPU work), each once the
/// budget has room for what its header declares. A panic in a decoder is an error, never
/// "no photos".
async fn clean_photos(
    budget: &budget::DecodeBudget,
    uploads: Vec<Upload>,
) -> Result<Vec<(String, Result<photo::CleanPhoto, PhotoFault>)>, ComplaintError> {
    let mut cleaned = Vec::with_capacity(uploads.len());
    for upload in uploads {
        let Some(bytes) = upload.bytes else {
            cleaned.push((upload.name, Err(PhotoFault::TooBig)));
            continue;
        };
        let cost = match photo::decode_cost(&bytes) {
            Ok(cost) => cost,
            Err(fault) => {
                cleaned.push((upload.name, Err(fault)));
                continue;
            }
        };
        let permit = budget.acquire(cost).await;
        let result = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            photo::clean(&bytes)
        })
        .await
        .map_err(|e| ComplaintError::Photos(std::io::Error::other(format!("photo decoding failed: {e}"))))?;
        cleaned.push((upload.name, result));
    }
    Ok(cleaned)
}

#[async_trait::async_trait]
impl ComplaintDesk for Complaints {
    fn issue_token(&self) -> String {
        self.issue()
    }

    async fn form_venue(&self, id: VenueId) -> Result<Option<FormVenue>, AppError> {
        self.db.complaint_venue(id).await.map_err(unavailable)
    }

    async fn public_complaint(&self, reference: &str) -> Result<Option<PublicComplaint>, AppError> {
        let ip = leptos::prelude::use_context::<axum::http::request::Parts>()
            .and_then(|parts| self.client_addr.of(&parts.headers, &parts.extensions));
        match self.look_up(ip, reference).await {
            Ok(found) => Ok(found),
            Err(LookupError::RateLimited(minutes)) => Err(AppError::RateLimited { minutes }),
            Err(LookupError::Db(e)) => Err(unavailable(e)),
        }
    }
}

fn unavailable(e: DbError) -> AppError {
    tracing::error!(error = %e, "complaint query failed");
    AppError::Unavailable
}
