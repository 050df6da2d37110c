//! `/console/cameras/{id}/timeline`: a camera's recorded day. The recorded stretches and the
//! gaps between them on one line with captures, patrol snapshots and complaints marked (drawn
//! on the server as SVG, each mark a link that plays around it), the video around the chosen
//! moment starting at the seconds that led up to it, and the evidence clip to export.

use super::timeline_video::TimelineVideo;
use super::{ConsoleNav, CsrfField};
use crate::api::{get_camera_timeline, CameraTimeline, TimelineEvent, TimelineQuery, TimelineWindow};
use crate::i18n::{use_lang, Lang};
use crate::pages::complaints::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The timeline is 1440 units wide: one per minute of the day.
const WIDTH: u32 = 1440;

fn kind_name(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "capture" => t(lang, "AI抓拍", "AI capture"),
        "patrol" => t(lang, "巡查截图", "Patrol snapshot"),
        _ => t(lang, "投诉", "Complaint"),
    }
}

/// China time of day, `08:00:05`, of a stored UTC time.
fn clock(at: &str) -> String {
    super::shown_to(at, 19).get(11..).map(str::to_string).unwrap_or_default()
}

fn duration(lang: Lang, seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    match (lang, h) {
        (Lang::Zh, 0) => format!("{m} 分 {s} 秒"),
        (Lang::Zh, _) => format!("{h} 小时 {m} 分"),
        (Lang::En, 0) => format!("{m} min {s} s"),
        (Lang::En, _) => format!("{h} h {m} min"),
    }
}

/// The second of the day (China time) of a stored UTC time.
fn second_of_day(at: &str) -> u32 {
    let parts: Vec<u32> = clock(at).split(':').filter_map(|p| p.parse().ok()).collect();
    parts.first().copied().unwrap_or(0) * 3600
        + parts.get(1).copied().unwrap_or(0) * 60
        + parts.get(2).copied().unwrap_or(0)
}

/// What one line of the timeline spans: `[from, from + span)` seconds of the day, with a tick
/// every `tick` seconds.
#[derive(Clone, Copy)]
struct Scale {
    from: u32,
    span: u32,
    tick: u32,
}

impl Scale {
    /// Position on a line 1440 units wide.
    fn x(self, second: u32) -> f64 {
        (second.saturating_sub(self.from).min(self.span)) as f64 * f64::from(WIDTH) / f64::from(self.span)
    }

    fn contains(self, second: u32) -> bool {
        second >= self.from && second < self.from + self.span
    }
}

/// The page's own address for another day or moment.
fn href(camera: i64, day: &str, at: Option<&str>, case: Option<&str>) -> String {
    let encode = |v: &str| mingchu_domain::text::percent_encode(v, b"");
    let mut out = format!("/console/cameras/{camera}/timeline?day={day}");
    if let Some(at) = at {
        out.push_str(&format!("&at={}", encode(at)));
    }
    if let Some(case) = case {
        out.push_str(&format!("&case={}", encode(case)));
    }
    out
}

#[component]
pub fn TimelinePage() -> impl IntoView {
    let lang = use_lang();
    let camera = use_params_map().with_untracked(|p| p.get("id")).and_then(|id| id.parse::<i64>().ok()).unwrap_or(0);
    let query = use_query_map().with_untracked(|q| TimelineQuery {
        camera,
        day: q.get("day"),
        at: q.get("at"),
        case: q.get("case"),
    });
    let timeline = Resource::new_blocking(move || query.clone(), get_camera_timeline);
    view! {
        <Title text=t(lang, "录像回放", "Recorded video")/>
        <article class="console timeline-page">
            <ConsoleNav current="venues"/>
            <Suspense fallback=|| ()>
                {move || timeline.get().map(|found| match found {
                    Ok(timeline) => view! { <Day timeline lang/> }.into_any(),
                    Err(crate::error::AppError::NotFound) => view! {
                        <p class="error" role="alert">{t(lang, "没有这个摄像头，或本服务器不录像。", "There is no such camera, or this server records no video.")}</p>
                    }.into_any(),
                    Err(crate::error::AppError::Forbidden(_)) => view! {
                        <p class="error" role="alert">{t(lang, "您无权查看这个摄像头的录像。", "You may not view this camera's recordings.")}</p>
                    }.into_any(),
                    Err(crate::error::AppError::BadRequest(why)) => view! {
                        <p class="error" role="alert">{t(lang, "无法识别此页面地址：", "This page's address is not understood: ")}{why}</p>
                    }.into_any(),
                    Err(_) => view! {
                        <p class="error" role="alert">{t(lang, "暂时无法读取录像，请稍后再试。", "The recordings cannot be read just now; try again shortly.")}</p>
                    }.into_any(),
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn Day(timeline: CameraTimeline, lang: Lang) -> impl IntoView {
    let camera = timeline.camera;
    let day = timeline.day.clone();
    let recorder = match timeline.recorder.as_str() {
        "recording" => t(lang, "正在录像", "Recording"),
        "standby" => t(lang, "待命（按事件录像）", "Standing by (records on events)"),
        "disk_full" => t(lang, "磁盘已满，录像已暂停", "Disk full: recording paused"),
        _ => t(lang, "未录像", "Not recording"),
    };
    let gaps = timeline.stretches.len().saturating_sub(1);
    view! {
        <h1>{t(lang, "录像回放：", "Recorded video: ")}{timeline.camera_name.clone()}</h1>
        <p><a href=format!("/console/venues/{}", timeline.venue_id)>{timeline.venue.clone()}</a>" · "{recorder}</p>
        <nav class="timeline-days" aria-label=t(lang, "日期", "Day")>
            <a href=href(camera, &timeline.previous_day, None, None) rel="prev">{t(lang, "← 前一天", "← Day before")}</a>
            <strong>{day.clone()}</strong>
            {timeline.next_day.clone().map(|next| view! {
                <a href=href(camera, &next, None, None) rel="next">{t(lang, "后一天 →", "Day after →")}</a>
            })}
        </nav>
        <Line timeline=timeline.clone() lang/>
        <p class="timeline-summary">
            {t(lang, "已录制 ", "Recorded ")}{duration(lang, timeline.recorded_seconds)}
            {t(lang, "，中断 ", "; gaps: ")}{gaps}{t(lang, " 处；事件 ", "; events: ")}{timeline.events.len()}
        </p>
        {timeline.nothing_at_moment.then(|| view! {
            <p class="error" role="alert">{t(lang, "所选时刻前后没有录像。", "Nothing was recorded around the chosen moment.")}</p>
        })}
        {timeline.window.clone().map(|window| view! { <Player window camera may_export=timeline.may_export lang/> })}
        <Events events=timeline.events.clone() camera day lang/>
    }
}

/// The day on one line, and when a moment is chosen the hour around it on a second: recorded
/// stretches over the gaps, the marks above, the time below.
#[component]
fn Line(timeline: CameraTimeline, lang: Lang) -> impl IntoView {
    let moment = timeline.window.as_ref().map(|w| second_of_day(&w.at));
    let day = Scale { from: 0, span: 86_400, tick: 3 * 3600 };
    let zoom = moment.map(|m| Scale { from: m.saturating_sub(1800).min(86_400 - 3600), span: 3600, tick: 600 });
    view! {
        <LineAt timeline=timeline.clone() scale=day moment lang/>
        {zoom.map(|scale| view! { <LineAt timeline scale moment lang/> })}
    }
}

#[component]
fn LineAt(timeline: CameraTimeline, scale: Scale, moment: Option<u32>, lang: Lang) -> impl IntoView {
    let camera = timeline.camera;
    let day = timeline.day.clone();
    let label = if scale.span == 86_400 {
        t(lang, "当天录像时间线：绿色为已录制，灰色为中断", "The day's recordings: green recorded, grey gaps")
    } else {
        t(lang, "所选时刻前后一小时：绿色为已录制，灰色为中断", "The hour around the moment: green recorded, grey gaps")
    };
    let ticks = (0..=scale.span / scale.tick).map(move |i| scale.from + i * scale.tick);
    view! {
        <svg class="timeline" viewBox=format!("0 0 {WIDTH} 96") role="img" aria-label=label
            data-from=scale.from data-span=scale.span>
            <rect x="0" y="28" width=WIDTH height="32" class="timeline-gap"/>
            {timeline.stretches.iter().filter(|(s, e)| *e > scale.from && *s < scale.from + scale.span).map(|(s, e)| {
                let (x0, x1) = (scale.x(*s), scale.x(*e));
                view! {
                    <rect x=format!("{x0:.1}") y="28" width=format!("{:.1}", (x1 - x0).max(2.0)) height="32"
                        class="timeline-recorded" data-from=*s data-to=*e/>
                }
            }).collect_view()}
            {ticks.map(|second| {
                let x = scale.x(second);
                let text = format!("{:02}:{:02}", second / 3600 % 24, second % 3600 / 60);
                let text = if second == 86_400 { "24:00".to_string() } else { text };
                view! {
                    <line x1=format!("{x:.1}") x2=format!("{x:.1}") y1="60" y2="68" class="timeline-tick"/>
                    <text x=format!("{:.1}", x.clamp(30.0, f64::from(WIDTH) - 30.0)) y="90" class="timeline-hour">{text}</text>
                }
            }).collect_view()}
            {moment.filter(|m| scale.contains(*m)).map(|m| {
                let x = format!("{:.1}", scale.x(m));
                view! { <line x1=x.clone() x2=x y1="20" y2="66" class="timeline-moment"/> }
            })}
            {timeline.events.iter().filter(|e| scale.contains(e.second)).map(|e| {
                let x = scale.x(e.second);
                let link = href(camera, &day, Some(&e.at), e.case.as_deref());
                view! {
                    <a href=link class=format!("timeline-mark timeline-mark-{}", e.kind) data-kind=e.kind.clone()>
                        <title>{format!("{} {} {}", clock(&e.at), kind_name(lang, &e.kind), e.label)}</title>
                        <path d=format!("M{x:.1} 6 l10 16 h-20 z")/>
                    </a>
                }
            }).collect_view()}
        </svg>
    }
}

/// The video around the moment, and the evidence clip.
#[component]
fn Player(window: TimelineWindow, camera: i64, may_export: bool, lang: Lang) -> impl IntoView {
    let moment = format!("{:.1}", window.at_second);
    view! {
        <figure class="timeline-player">
            // A media fragment starts playback at the seconds before the moment.
            <TimelineVideo camera src=window.src.clone() play_from=window.play_from at_second=window.at_second
                starts_ms=window.starts_ms/>
            <figcaption>
                {t(lang, "视频开始于 ", "The video starts at ")}{clock(&window.starts)}
                {t(lang, "；所选时刻 ", "; the chosen moment, ")}{clock(&window.at)}
                {t(lang, " 在第 ", ", is at ")}{moment}{t(lang, " 秒，播放从其前 10 秒开始。", " s; playback starts 10 s before it.")}
            </figcaption>
        </figure>
        {may_export.then(|| view! {
            // A POST: exporting writes the audit entry and the case's hold.
            <form class="timeline-export" method="post" action=window.clip_href.clone()>
                <CsrfField/>
                <button type="submit" class="button primary">{t(lang, "导出证据片段（前 10 秒至后 20 秒）", "Export the evidence clip (10 s before to 20 s after)")}</button>
                <span class="hint">{t(lang, "导出记入审计日志（含 SHA-256）；从案件打开时，片段随案件保留。", "The export is written to the audit log with its SHA-256; opened from a case, the clip is kept with the case.")}</span>
            </form>
        })}
    }
}

#[component]
fn Events(events: Vec<TimelineEvent>, camera: i64, day: String, lang: Lang) -> impl IntoView {
    if events.is_empty() {
        return view! { <p>{t(lang, "当天没有抓拍、巡查截图或投诉。", "No captures, patrol snapshots or complaints that day.")}</p> }.into_any();
    }
    view! {
        <table class="timeline-events">
            <thead><tr>
                <th>{t(lang, "时间", "Time")}</th><th>{t(lang, "类型", "Kind")}</th>
                <th>{t(lang, "说明", "What")}</th><th></th>
            </tr></thead>
            <tbody>
                {events.into_iter().map(|e| {
                    let play = href(camera, &day, Some(&e.at), e.case.as_deref());
                    view! {
                        <tr data-kind=e.kind.clone()>
                            <td>{clock(&e.at)}</td>
                            <td>{kind_name(lang, &e.kind)}</td>
                            <td><a href=e.href.clone()>{if e.label.is_empty() { "–".to_string() } else { e.label.clone() }}</a></td>
                            <td><a href=play class="timeline-play">{t(lang, "回放", "Play")}</a></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }.into_any()
}
