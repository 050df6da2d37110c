//! HLS (RFC 8216, version 7) playlists of recorded ranges: a VOD media playlist whose media
//! segments are the recorded fragments, one each, and whose init segments (`EXT-X-MAP`) are the
//! files' own. Each recorded file's decode times start at 0; the playlist asks the server to
//! shift each file's fragments by the file's start (from the first file's), so the range plays
//! on one timeline. A hole between files (the camera was away) is an `EXT-X-DISCONTINUITY`;
//! `EXT-X-PROGRAM-DATE-TIME` gives each file's server receive time.

use crate::record::segmenter::FragmentIndex;
use chrono::{DateTime, Utc};
use std::fmt::Write;

/// One recorded file, as the playlist needs it.
pub struct PlaylistFile<'a> {
    /// The file's URL without a query: `{url}/init.mp4` and `{url}/{n}.m4s` are fetched.
    pub url: String,
    /// Appended to each URL (a signature), starting with `?`.
    pub query: String,
    pub start: DateTime<Utc>,
    pub fragments: &'a [FragmentIndex],
}

/// Files further apart than this are not one continuous recording.
const HOLE_MS: i64 = 1000;

/// The fragments of `file` that cover `[from, to)`, from the keyframe at or before `from`.
pub fn covering(file: &PlaylistFile, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<FragmentIndex> {
    let at = |f: &FragmentIndex| file.start + chrono::Duration::milliseconds(f.start_ms as i64);
    let end = |f: &FragmentIndex| at(f) + chrono::Duration::milliseconds(f.duration_ms as i64);
    let first = file.fragments.iter().rposition(|f| f.keyframe && at(f) <= from).unwrap_or(0);
    file.fragments[first..]
        .iter()
        .skip_while(|f| end(f) <= from || !f.keyframe)
        .take_while(|f| at(f) < to)
        .copied()
        .collect()
}

/// The playlist of `[from, to)`; `None` when nothing recorded covers it.
pub fn vod_playlist(files: &[PlaylistFile], from: DateTime<Utc>, to: DateTime<Utc>) -> Option<String> {
    let parts: Vec<(&PlaylistFile, Vec<FragmentIndex>)> =
        files.iter().map(|f| (f, covering(f, from, to))).filter(|(_, frags)| !frags.is_empty()).collect();
    if parts.is_empty() {
        return None;
    }
    let longest = parts.iter().flat_map(|(_, fs)| fs.iter()).map(|f| f.duration_ms).max().unwrap_or(1000);
    let origin = parts[0].0.start;
    let mut out = String::new();
    let _ = writeln!(out, "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:{}", longest.div_ceil(1000).max(1));
    out.push_str("#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MEDIA-SEQUENCE:0\n");
    let mut previous_end: Option<DateTime<Utc>> = None;
    for (file, fragments) in &parts {
        let first = file.start + chrono::Duration::milliseconds(fragments[0].start_ms as i64);
        if previous_end.is_some_and(|end| (first - end).num_milliseconds().abs() > HOLE_MS) {
            out.push_str("#EXT-X-DISCONTINUITY\n");
        }
        let last = fragments.last().expect("not empty");
        previous_end = Some(file.start + chrono::Duration::milliseconds((last.start_ms + last.duration_ms) as i64));
        let shift = (file.start - origin).num_milliseconds().max(0) as u64 * 90;
        let _ = writeln!(out, "#EXT-X-PROGRAM-DATE-TIME:{}", first.format("%Y-%m-%dT%H:%M:%S%.3fZ"));
        let _ = writeln!(out, "#EXT-X-MAP:URI=\"{}/init.mp4{}\"", file.url, file.query);
        for f in fragments {
            let n = file.fragments.iter().position(|g| g == f).expect("from the file");
            let _ = writeln!(out, "#EXTINF:{:.3},", f.duration_ms as f64 / 1000.0);
            let _ = writeln!(out, "{}/{n}.m4s{}&shift={shift}", file.url, file.query);
        }
    }
    out.push_str("#EXT-X-ENDLIST\n");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn fragments(n: u64) -> Vec<FragmentIndex> {
        (0..n)
            .map(|i| FragmentIndex {
                offset: 800 + i * 1000,
                len: 1000,
                start_ms: i * 1000,
                duration_ms: 1000,
                keyframe: true,
            })
            .collect()
    }

    #[test]
    fn a_range_over_two_files_is_byte_ranges_with_a_discontinuity_between() {
        let a = fragments(5);
        let file = |url: &str, start| PlaylistFile { url: url.into(), query: "?sig=x".into(), start, fragments: &a };
        let files = [file("/s/1", t("2026-12-02T08:00:00Z")), file("/s/2", t("2026-12-02T08:00:05Z"))];
        let list = vod_playlist(&files, t("2026-12-02T08:00:03.500Z"), t("2026-12-02T08:00:06.200Z")).unwrap();
        let expected = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n#EXT-X-PLAYLIST-TYPE:VOD\n\
#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PROGRAM-DATE-TIME:2026-12-02T08:00:03.000Z\n\
#EXT-X-MAP:URI=\"/s/1/init.mp4?sig=x\"\n\
#EXTINF:1.000,\n/s/1/3.m4s?sig=x&shift=0\n#EXTINF:1.000,\n/s/1/4.m4s?sig=x&shift=0\n\
#EXT-X-PROGRAM-DATE-TIME:2026-12-02T08:00:05.000Z\n\
#EXT-X-MAP:URI=\"/s/2/init.mp4?sig=x\"\n\
#EXTINF:1.000,\n/s/2/0.m4s?sig=x&shift=450000\n#EXTINF:1.000,\n/s/2/1.m4s?sig=x&shift=450000\n\
#EXT-X-ENDLIST\n";
        assert_eq!(list, expected);
        // A camera away for a minute: the next file is a discontinuity.
        let apart = [file("/s/1", t("2026-12-02T08:00:00Z")), file("/s/2", t("2026-12-02T08:01:05Z"))];
        let list = vod_playlist(&apart, t("2026-12-02T08:00:00Z"), t("2026-12-02T08:02:00Z")).unwrap();
        assert_eq!(list.matches("#EXT-X-DISCONTINUITY").count(), 1, "{list}");
        assert!(vod_playlist(&files, t("2026-12-02T09:00:00Z"), t("2026-12-02T09:01:00Z")).is_none());
    }
}
