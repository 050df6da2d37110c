//! `mingchu apikey …` (Open311 keys) and `mingchu complaint …` (the regulator's view of
//! complaints and their status updates) until the regulator console exists.

use crate::complaints::reference;
use crate::config::{ApikeyCommand, ComplaintCommand, DbArgs};
use crate::db::{ComplaintFilter, Db};
use crate::error::ServerError;
use chrono::Utc;
use mingchu_domain::vocab::ComplaintStatus;

pub async fn apikey(db_args: &DbArgs, command: ApikeyCommand) -> Result<(), ServerError> {
    let db = crate::open_db(db_args).await?;
    let result = run_apikey(&db, command).await;
    db.close().await;
    result
}

async fn run_apikey(db: &Db, command: ApikeyCommand) -> Result<(), ServerError> {
    match command {
        ApikeyCommand::Create { name } => {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 60 {
                return Err(ServerError::Usage("the key name must be 1 to 60 characters".into()));
            }
            if db.api_keys().await?.iter().any(|(n, _, _)| n == name) {
                return Err(ServerError::Usage(format!("a key named {name:?} already exists; pick another name")));
            }
            let key = db.create_api_key(name, Utc::now()).await?;
            println!("{key}");
            eprintln!("API key {name:?} created. It is shown only now; give it to the client and keep it secret.");
        }
        ApikeyCommand::List => {
            for (name, created, revoked) in db.api_keys().await? {
                let state = revoked.map(|r| format!("revoked {r}")).unwrap_or_else(|| "active".into());
                println!("{name}\tcreated {created}\t{state}");
            }
        }
        ApikeyCommand::Revoke { name } => {
            if !db.revoke_api_key(&name, Utc::now()).await? {
                return Err(ServerError::Usage(format!("no active key named {name:?}")));
            }
            println!("revoked {name}");
        }
    }
    Ok(())
}

pub async fn complaint(db_args: &DbArgs, command: ComplaintCommand) -> Result<(), ServerError> {
    let db = crate::open_db(db_args).await?;
    let result = run_complaint(&db, command).await;
    db.close().await;
    result
}

fn parse_reference(r: &str) -> Result<String, ServerError> {
    reference::normalize(r)
        .ok_or_else(|| ServerError::Usage(format!("{r:?} is not a complaint reference (MC-XXXX-XXXX-XXXX)")))
}

async fn run_complaint(db: &Db, command: ComplaintCommand) -> Result<(), ServerError> {
    match command {
        ComplaintCommand::List { status, limit } => {
            let wanted =
                match status.as_deref() {
                    Some(s) => Some(ComplaintStatus::from_code(s).ok_or_else(|| {
                        ServerError::Usage(format!("unknown status {s:?}; use one of: {}", statuses()))
                    })?),
                    None => None,
                };
            let filter = ComplaintFilter { limit: limit.max(1), status: wanted, ..Default::default() };
            for r in db.list_complaints(&filter).await? {
                let first_line = r.description.lines().next().unwrap_or("");
                println!(
                    "{}\t{}\t{}\t{}\tdue {}\t{}: {}",
                    r.reference,
                    r.submitted_at,
                    r.status.code(),
                    r.category.code(),
                    r.expected.as_deref().unwrap_or("-"),
                    r.venue_name,
                    first_line.chars().take(60).collect::<String>()
                );
            }
        }
        ComplaintCommand::Show { reference } => {
            let reference = parse_reference(&reference)?;
            let Some(c) = db.public_complaint(&reference).await? else {
                return Err(ServerError::Usage(format!("no complaint with reference {reference}")));
            };
            println!("{}", serde_json::to_string_pretty(&c).expect("serializable"));
            if let Some((contact, name)) = db.complaint_private(&reference).await? {
                println!("private: contact {:?}, name {:?}", contact.unwrap_or_default(), name.unwrap_or_default());
            }
        }
        ComplaintCommand::Update { reference, status, note, duplicate_of } => {
            let reference = parse_reference(&reference)?;
            let to = ComplaintStatus::from_code(&status)
                .ok_or_else(|| ServerError::Usage(format!("unknown status {status:?}; use one of: {}", statuses())))?;
            let original = duplicate_of.as_deref().map(parse_reference).transpose()?;
            db.update_complaint(
                &reference,
                to,
                &note,
                original.as_deref(),
                &mingchu_domain::audit::Who::shell(),
                Utc::now(),
            )
            .await
            .map_err(|e| ServerError::Usage(e.to_string()))?;
            println!("{reference} is now {}", to.code());
        }
    }
    Ok(())
}

fn statuses() -> String {
    ComplaintStatus::ALL.iter().map(|s| s.code()).collect::<Vec<_>>().join(", ")
}
