//! The built site (`scripts/build.sh`): the bundles, the stylesheet and the public files, as
//! brotli or gzip when the client takes them. The built files carry a content hash in their
//! names (`pkg/venue-<16 hex>.wasm`, listed in the manifest `pkg/assets`): such a file never
//! changes, so browsers and caches keep it for a year without asking again; every other file
//! is revalidated on each use.

use app::assets::{Bundle, SiteAssets};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::path::Path;
use tower::util::BoxCloneSyncService;
use tower::{Service, ServiceExt};

/// Where the build lists its files: one `<what> <name>` line for the stylesheet (`style`) and
/// for each bundle (`home`, `venue`, …).
const MANIFEST: &str = "pkg/assets";
/// The name when the site was built as one bundle without hashes (for example by `cargo leptos`).
pub const UNHASHED_NAME: &str = "mingchu";

/// The site's files as `scripts/build.sh` listed them, else one unhashed bundle `mingchu` for
/// every page: when the manifest is missing, lacks a bundle, names files that are not there,
/// or is older than an unhashed build written since (`cargo leptos` writes `pkg/mingchu.*` and
/// leaves the manifest alone).
pub fn site_assets(site_root: &Path) -> SiteAssets {
    let pkg = site_root.join("pkg");
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let manifest = site_root.join(MANIFEST);
    let unhashed_newer = match (modified(&pkg.join(format!("{UNHASHED_NAME}.wasm"))), modified(&manifest)) {
        (Some(unhashed), Some(listed)) => unhashed > listed,
        _ => false,
    };
    let listed = std::fs::read_to_string(&manifest).ok().and_then(|text| {
        let entries: Vec<(&str, &str)> = text.lines().filter_map(|line| line.trim().split_once(' ')).collect();
        let name = |key: &str, ext: &str| {
            entries
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, name)| name.trim().to_string())
                .filter(|name| is_hashed_name(name) && pkg.join(format!("{name}.{ext}")).is_file())
        };
        let stylesheet = name("style", "css")?;
        let bundles = Bundle::ALL.iter().map(|b| Some((*b, name(b.key(), "wasm")?))).collect::<Option<Vec<_>>>()?;
        Some(SiteAssets::split(&stylesheet, bundles))
    });
    match listed {
        Some(assets) if !unhashed_newer => assets,
        _ => SiteAssets::single(UNHASHED_NAME),
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
    fn the_files_come_from_the_builds_manifest_or_one_unhashed_bundle() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("pkg");
        let unhashed = |assets: SiteAssets| assets.names().all(|n| n == UNHASHED_NAME);
        assert!(unhashed(site_assets(dir.path())), "no manifest");
        std::fs::create_dir_all(&pkg).unwrap();
        let mut manifest = "style mingchu-00ff00ff00ff00ff\n".to_string();
        for b in Bundle::ALL {
            manifest.push_str(&format!("{} {}-0123456789abcdef\n", b.key(), b.key()));
        }
        std::fs::write(dir.path().join(MANIFEST), &manifest).unwrap();
        assert!(unhashed(site_assets(dir.path())), "names files that are not there");
        std::fs::write(pkg.join("mingchu-00ff00ff00ff00ff.css"), b"built").unwrap();
        for b in &Bundle::ALL[1..] {
            std::fs::write(pkg.join(format!("{}-0123456789abcdef.wasm", b.key())), b"built").unwrap();
        }
        assert!(unhashed(site_assets(dir.path())), "one bundle missing");
        std::fs::write(pkg.join("home-0123456789abcdef.wasm"), b"built").unwrap();
        let assets = site_assets(dir.path());
        assert_eq!(&*assets.stylesheet, "mingchu-00ff00ff00ff00ff");
        assert_eq!(assets.bundle(Bundle::Venue), Some("venue-0123456789abcdef"));
        // An unhashed build written afterwards (cargo leptos) wins.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(pkg.join("mingchu.wasm"), b"newer").unwrap();
        assert!(unhashed(site_assets(dir.path())));
        std::fs::write(dir.path().join(MANIFEST), manifest.replace("home-0123456789abcdef", "../../etc/passwd"))
            .unwrap();
        assert!(unhashed(site_assets(dir.path())), "only names the build writes");
    }
}
