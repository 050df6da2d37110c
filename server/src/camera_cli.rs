//! `mingchu camera add|list`: cameras managed from the command line. Arguments are checked
//! before the database is touched; a refused camera changes nothing.

use crate::config::{CameraCommand, DbArgs};
use crate::db::NewCamera;
use crate::error::ServerError;
use app::i18n::Lang;
use mingchu_domain::vocab::{KitchenArea, VenueId};
use mingchu_media::source::redact;

pub async fn run(db_args: &DbArgs, command: CameraCommand) -> Result<(), ServerError> {
    match command {
        CameraCommand::Add { venue, name, area, url, transport, always_on, private, recording, retention_days } => {
            let area = parse_area(&area)?;
            check_url(&url)?;
            let name = name.trim();
            if name.is_empty() {
                return Err(ServerError::Usage("the camera needs a name (--name)".into()));
            }
            let db = crate::open_db(db_args).await?;
            let result = async {
                if !db.venue_exists(VenueId(venue)).await? {
                    return Err(ServerError::Usage(format!("there is no venue with id {venue}")));
                }
                let camera = NewCamera {
                    venue: VenueId(venue),
                    name,
                    area,
                    url: Some(&url),
                    public: !private,
                    transport: transport.code(),
                    always_on,
                };
                let who = mingchu_domain::audit::Who::shell();
                let id = db.add_camera(&camera, &who, chrono::Utc::now()).await?;
                if recording != mingchu_domain::recording::RecordingPolicy::Off
                    || retention_days != mingchu_domain::recording::DEFAULT_RETENTION_DAYS
                {
                    db.set_recording_policy(id, recording, retention_days, &who, chrono::Utc::now()).await?;
                }
                Ok(id)
            }
            .await;
            db.close().await;
            println!("{}", result?);
            Ok(())
        }
        CameraCommand::Recording { camera, policy, retention_days } => {
            let db = crate::open_db(db_args).await?;
            let who = mingchu_domain::audit::Who::shell();
            let id = mingchu_domain::vocab::CameraId(camera);
            let changed = db.set_recording_policy(id, policy, retention_days, &who, chrono::Utc::now()).await;
            db.close().await;
            if !changed? {
                return Err(ServerError::Usage(format!("there is no camera with id {camera}")));
            }
            println!("camera {camera}: recording {}, kept {retention_days} days", policy.code());
            Ok(())
        }
        CameraCommand::List { json } => {
            let db = crate::open_db(db_args).await?;
            let cameras = db.list_cameras(redact).await;
            db.close().await;
            let cameras = cameras?;
            if json {
                println!("{}", serde_json::to_string_pretty(&cameras).expect("serializable"));
                return Ok(());
            }
            println!(
                "{:>5}  {:>5}  {:<11} {:<6} {:<14} {:<20} SOURCE",
                "ID", "VENUE", "STATE", "PUBLIC", "AREA", "NAME"
            );
            for c in &cameras {
                let public = if c.public { "yes" } else { "no" };
                println!(
                    "{:>5}  {:>5}  {:<11} {:<6} {:<14} {:<20} {}",
                    c.id, c.venue_id, c.state, public, c.area, c.name, c.source
                );
            }
            Ok(())
        }
    }
}

/// A kitchen area by code, Chinese name or English name.
fn parse_area(given: &str) -> Result<KitchenArea, ServerError> {
    let given = given.trim();
    KitchenArea::ALL
        .iter()
        .copied()
        .find(|a| {
            a.code() == given
                || Lang::Zh.kitchen_area(*a) == given
                || Lang::En.kitchen_area(*a).eq_ignore_ascii_case(given)
        })
        .ok_or_else(|| {
            let all: Vec<String> =
                KitchenArea::ALL.iter().map(|a| format!("{} ({})", a.code(), Lang::Zh.kitchen_area(*a))).collect();
            ServerError::Usage(format!("unknown kitchen area {given:?}; use one of {}", all.join(", ")))
        })
}

/// An `rtsp://` URL with a host. The message never repeats a password.
pub(crate) fn check_url(url: &str) -> Result<(), ServerError> {
    let parsed =
        url::Url::parse(url).map_err(|e| ServerError::Usage(format!("invalid camera URL {}: {e}", redact(url))))?;
    if parsed.scheme() != "rtsp" {
        return Err(ServerError::Usage(format!(
            "the camera URL must start with rtsp:// (got {}://); RTSP over TLS is not supported yet",
            parsed.scheme()
        )));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(ServerError::Usage("the camera URL has no host".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_by_code_or_name() {
        assert_eq!(parse_area("cooking").unwrap(), KitchenArea::Cooking);
        assert_eq!(parse_area(Lang::Zh.kitchen_area(KitchenArea::SpecialRoom)).unwrap(), KitchenArea::SpecialRoom);
        let err = parse_area("garden").unwrap_err().to_string();
        assert!(err.contains("garden") && err.contains("cooking"), "{err}");
    }

    #[test]
    fn urls_must_be_rtsp_with_a_host_and_errors_hide_passwords() {
        assert!(check_url("rtsp://admin:pw@10.0.0.2:554/h264").is_ok());
        let err = check_url("http://admin:topsecret@10.0.0.2/").unwrap_err().to_string();
        assert!(err.contains("rtsp://") && !err.contains("topsecret"), "{err}");
        assert!(check_url("rtsp:///nohost").is_err());
        let err = check_url("not a url with secret").unwrap_err().to_string();
        assert!(!err.contains("secret"), "{err}");
    }
}
