//! Which code a page loads. Pages render on the server; only their islands run in the browser,
//! and each group of pages has its own bundle holding just its islands (`scripts/build.sh`
//! builds them from the `island-*` features; docs/design/build.md). A page without islands
//! loads no code at all.

use std::sync::Arc;

/// A WebAssembly bundle: the islands of one group of pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bundle {
    /// The home page: the search with its results.
    Home,
    /// A venue's page: the live kitchen players and the complaint form under them.
    Venue,
    /// The complaint form.
    Complaint,
    /// A display screen.
    Display,
    /// The console's recorded-video timeline: the playback controls.
    Playback,
}

impl Bundle {
    pub const ALL: [Bundle; 5] = [Bundle::Home, Bundle::Venue, Bundle::Complaint, Bundle::Display, Bundle::Playback];

    /// The bundle's name in the build's manifest and its files' names.
    pub fn key(self) -> &'static str {
        match self {
            Bundle::Home => "home",
            Bundle::Venue => "venue",
            Bundle::Complaint => "complaint",
            Bundle::Display => "display",
            Bundle::Playback => "playback",
        }
    }

    /// The bundle a page at `path` loads, `None` for pages without islands. Kept beside the
    /// routes in `App`: a page given a new island names its bundle here.
    pub fn for_path(path: &str) -> Option<Bundle> {
        let path = path.strip_suffix('/').filter(|p| !p.is_empty()).unwrap_or(path);
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match parts.as_slice() {
            [""] => Some(Bundle::Home),
            ["venues", id] if !id.is_empty() => Some(Bundle::Venue),
            ["display", token] if !token.is_empty() => Some(Bundle::Display),
            ["complaints", "new" | "submit"] => Some(Bundle::Complaint),
            // A remote patrol plays the venue's cameras: the venue page's live players.
            ["console", "patrols", "visits", id] if !id.is_empty() => Some(Bundle::Venue),
            ["console", "cameras", id, "timeline"] if !id.is_empty() => Some(Bundle::Playback),
            _ => None,
        }
    }
}

/// The built files' names (without extension), as the server found them in the site.
#[derive(Clone, Debug)]
pub struct SiteAssets {
    /// The stylesheet, `pkg/<stylesheet>.css`.
    pub stylesheet: Arc<str>,
    bundles: Vec<(Bundle, Arc<str>)>,
}

impl SiteAssets {
    /// A site built as one bundle under one name (`cargo leptos`): every page loads all of it.
    pub fn single(name: &str) -> SiteAssets {
        SiteAssets { stylesheet: name.into(), bundles: Bundle::ALL.iter().map(|b| (*b, name.into())).collect() }
    }

    /// A site built with a stylesheet and one bundle per group of pages.
    pub fn split(stylesheet: &str, bundles: impl IntoIterator<Item = (Bundle, String)>) -> SiteAssets {
        SiteAssets { stylesheet: stylesheet.into(), bundles: bundles.into_iter().map(|(b, n)| (b, n.into())).collect() }
    }

    /// The files' name of `bundle` (`pkg/<name>.js` and `pkg/<name>.wasm`).
    pub fn bundle(&self, bundle: Bundle) -> Option<&str> {
        self.bundles.iter().find(|(b, _)| *b == bundle).map(|(_, name)| &**name)
    }

    /// Every name, the stylesheet first: what identifies this build.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(&*self.stylesheet).chain(self.bundles.iter().map(|(_, n)| &**n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_with_islands_names_its_bundle_and_the_others_none() {
        assert_eq!(Bundle::for_path("/"), Some(Bundle::Home));
        assert_eq!(Bundle::for_path("/venues/12"), Some(Bundle::Venue));
        assert_eq!(Bundle::for_path("/venues/12/"), Some(Bundle::Venue));
        assert_eq!(Bundle::for_path("/display/abc"), Some(Bundle::Display));
        assert_eq!(Bundle::for_path("/complaints/new"), Some(Bundle::Complaint));
        assert_eq!(Bundle::for_path("/complaints/submit"), Some(Bundle::Complaint));
        assert_eq!(Bundle::for_path("/console/patrols/visits/7"), Some(Bundle::Venue));
        assert_eq!(Bundle::for_path("/console/patrols/7"), None, "a task's list plays nothing");
        assert_eq!(Bundle::for_path("/console/cameras/3/timeline"), Some(Bundle::Playback));
        assert_eq!(Bundle::for_path("/console/cameras/3"), None);
        for none in ["/programme", "/complaints", "/complaints/TS-2026-0001", "/venues", "/venues/1/x", "/nope"] {
            assert_eq!(Bundle::for_path(none), None, "{none}");
        }
    }

    #[test]
    fn a_single_bundle_serves_every_page() {
        let assets = SiteAssets::single("mingchu");
        assert!(Bundle::ALL.iter().all(|b| assets.bundle(*b) == Some("mingchu")));
        let split = SiteAssets::split("style-1", [(Bundle::Home, "home-1".to_string())]);
        assert_eq!(split.bundle(Bundle::Home), Some("home-1"));
        assert_eq!(split.bundle(Bundle::Venue), None);
        assert_eq!(split.names().collect::<Vec<_>>(), ["style-1", "home-1"]);
    }
}
