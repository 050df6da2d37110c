//! The built site (`scripts/build.sh`): the bundle, the stylesheet and the public files, as
//! brotli or gzip when the client takes them. The bundle's files carry a content hash in their
//! names (`pkg/mingchu-<16 hex>.wasm`, named in `pkg/asset-name`): such a file never changes,
//! so browsers and caches keep it for a year without asking again; every other file is
//! revalidated on each use.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::path::Path;
use tower::util::BoxCloneSyncService;
use tower::{Service, ServiceExt};

/// Where the build writes the bundle's hashed name.
const ASSET_NAME_FILE: &str = "pkg/asset-name";
/// The name when the site was built without hashes (for example by `cargo leptos`).
pub const UNHASHED_NAME: &str = "mingchu";

/// The bundle's file name without extension: `mingchu-<hash>` as `scripts/build.sh` built it,
/// else `mingchu`: when the name file is missing, names files that are not there, or is older
/// than an unhashed build written since (`cargo leptos` writes `pkg/mingchu.*` and leaves the
/// name file alone).
pub fn bundle_name(site_root: &Path) -> String {
    let pkg = site_root.join("pkg");
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let name_file = site_root.join(ASSET_NAME_FILE);
    let hashed = std::fs::read_to_string(&name_file)
        .ok()
        .map(|name| name.trim().to_string())
        .filter(|name| is_hashed_name(name) && pkg.join(format!("{name}.wasm")).is_file());
    let unhashed_newer = match (modified(&pkg.join(format!("{UNHASHED_NAME}.wasm"))), modified(&name_file)) {
        (Some(unhashed), Some(named)) => unhashed > named,
        _ => false,
    };
    match hashed {
        Some(name) if !unhashed_newer => name,
        _ => UNHASHED_NAME.to_string(),
    }
}

/// `mingchu-0123456789abcdef`: the build's name with a 16-hex-digit content hash.
fn is_hashed_name(stem: &str) -> bool {
    stem.rsplit_once('-').is_some_and(|(name, hash)| {
        !name.is_empty() && hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Whether a request path names a content-hashed bundle file.
fn is_hashed_path(path: &str) -> bool {
    path.strip_prefix("/pkg/")
        .filter(|file| !file.contains('/'))
        .and_then(|file| file.split_once('.'))
        .is_some_and(|(stem, _)| is_hashed_name(stem))
}

const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");
const BY_ENCODING: HeaderValue = HeaderValue::from_static("accept-encoding");

/// Serves `files` (the site directory service) with the cache policy above. The same path is
/// answered brotli, gzip or plain by the request's `Accept-Encoding`, which caches are told.
pub fn cached<S>(files: S) -> BoxCloneSyncService<Request, Response, Infallible>
where
    S: Service<Request, Error = Infallible> + Clone + Send + Sync + 'static,
    S::Response: IntoResponse,
    S::Future: Send,
{
    BoxCloneSyncService::new(tower::service_fn(move |req: Request| {
        let files = files.clone();
        async move {
            let hashed = is_hashed_path(req.uri().path());
            let mut response = files.oneshot(req).await?.into_response();
            // A 304 refreshes the stored headers (RFC 9111 4.3.4): it keeps the year too.
            let found = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
            let policy = if hashed && found { IMMUTABLE } else { REVALIDATE };
            let headers = response.headers_mut();
            headers.entry(header::CACHE_CONTROL).or_insert(policy);
            headers.append(header::VARY, BY_ENCODING);
            Ok(response)
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_builds_hashed_names_are_immutable() {
        assert!(is_hashed_path("/pkg/mingchu-0123456789abcdef.wasm"));
        assert!(is_hashed_path("/pkg/mingchu-0123456789abcdef.css"));
        assert!(!is_hashed_path("/pkg/mingchu.wasm"), "unhashed: revalidated");
        assert!(!is_hashed_path("/pkg/mingchu-0123456789ABCDEF.wasm"), "the build writes lower case");
        assert!(!is_hashed_path("/pkg/mingchu-0123.wasm"));
        assert!(!is_hashed_path("/favicon-0123456789abcdef.svg"), "outside pkg/");
        assert!(!is_hashed_path("/pkg/x/mingchu-0123456789abcdef.js"));
    }

    #[test]
    fn the_bundle_name_comes_from_the_build_or_falls_back() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("pkg");
        assert_eq!(bundle_name(dir.path()), "mingchu");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(dir.path().join(ASSET_NAME_FILE), "mingchu-00ff00ff00ff00ff\n").unwrap();
        assert_eq!(bundle_name(dir.path()), "mingchu", "named files that are not there");
        std::fs::write(pkg.join("mingchu-00ff00ff00ff00ff.wasm"), b"built").unwrap();
        assert_eq!(bundle_name(dir.path()), "mingchu-00ff00ff00ff00ff");
        // An unhashed build written afterwards (cargo leptos) wins.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(pkg.join("mingchu.wasm"), b"newer").unwrap();
        assert_eq!(bundle_name(dir.path()), "mingchu");
        std::fs::write(dir.path().join(ASSET_NAME_FILE), "../../etc/passwd").unwrap();
        assert_eq!(bundle_name(dir.path()), "mingchu", "only a name the build writes");
    }
}
