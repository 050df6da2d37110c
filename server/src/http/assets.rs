//! The built site (`scripts/build.sh`): the bundle, the stylesheet and the public files, as
//! brotli or gzip when the client takes them. The bundle's files carry a content hash in their
//! names (`pkg/mingchu-<16 hex>.wasm`, named in `pkg/asset-name`): such a file never changes,
//! so browsers and caches keep it for a year without asking again; every other file is
//! revalidated on each use.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::path::Path;
use tower::util::BoxCloneSyncService;
use tower::{Service, ServiceExt};

/// Where the build writes the bundle's hashed name.
const ASSET_NAME_FILE: &str = "pkg/asset-name";
/// The name when the site was built without hashes (for example by `cargo leptos`).
pub const UNHASHED_NAME: &str = "mingchu";

/// The bundle's file name without extension: `mingchu-<hash>` as built, else `mingchu`.
pub fn bundle_name(site_root: &Path) -> String {
    std::fs::read_to_string(site_root.join(ASSET_NAME_FILE))
        .ok()
        .map(|name| name.trim().to_string())
        .filter(|name| is_hashed_name(name))
        .unwrap_or_else(|| UNHASHED_NAME.to_string())
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

/// Serves `files` (the site directory service) with the cache policy above.
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
            let policy = if hashed && response.status().is_success() { IMMUTABLE } else { REVALIDATE };
            response.headers_mut().entry(header::CACHE_CONTROL).or_insert(policy);
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
        assert_eq!(bundle_name(dir.path()), "mingchu");
        std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
        std::fs::write(dir.path().join(ASSET_NAME_FILE), "mingchu-00ff00ff00ff00ff\n").unwrap();
        assert_eq!(bundle_name(dir.path()), "mingchu-00ff00ff00ff00ff");
        std::fs::write(dir.path().join(ASSET_NAME_FILE), "../../etc/passwd").unwrap();
        assert_eq!(bundle_name(dir.path()), "mingchu", "only a name the build writes");
    }
}
