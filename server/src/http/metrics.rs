//! Prometheus metrics: request counts and latencies per route, served as text at `/metrics`.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route pattern (`/venues/{id}`), never the raw path, so cardinality stays bounded.
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: String,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    viewers: Gauge,
    tcp_connections: Gauge,
    cameras: Family<StateLabels, Gauge>,
    analysis: [Gauge; 5],
    restarts: Family<PartLabels, Gauge>,
    recorders: Family<StateLabels, Gauge>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PartLabels {
    part: String,
}

fn latency_histogram() -> Histogram {
    // 1 ms .. ~16 s
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("mingchu");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        let build = Family::<BuildLabels, Gauge>::default();
        build.get_or_create(&BuildLabels { version: env!("CARGO_PKG_VERSION").into() }).set(1);
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        registry.register("http_request_duration_seconds", "Time to produce response headers", latency.clone());
        registry.register("build_info", "Version of the running server", build);
        let viewers = Gauge::default();
        registry.register("webrtc_viewers", "Viewers connected to the SFU", viewers.clone());
        let tcp_connections = Gauge::default();
        registry.register(
            "webrtc_tcp_connections",
            "ICE-TCP connections open (viewers whose network blocks UDP)",
            tcp_connections.clone(),
        );
        let cameras = Family::<StateLabels, Gauge>::default();
        registry.register("cameras", "Cameras used since start, by ingest state", cameras.clone());
        let analysis: [Gauge; 5] = Default::default();
        let names = [
            ("analysis_queue_depth", "Samples waiting for an analysis worker (at most one per camera)"),
            ("analysis_samples_dropped", "Samples replaced by newer ones before a worker got to them"),
            ("analysis_samples", "Samples analysed since start"),
            ("analysis_decode_errors", "Samples that could not be decoded"),
            ("analysis_captures", "Capture events raised since start"),
        ];
        for ((name, help), gauge) in names.into_iter().zip(&analysis) {
            registry.register(name, help, gauge.clone());
        }
        let restarts = Family::<PartLabels, Gauge>::default();
        registry.register("part_restarts", "Times a part of the server failed and was restarted", restarts.clone());
        let recorders = Family::<StateLabels, Gauge>::default();
        registry.register(
            "recorders",
            "Recorded cameras by recorder state (disk_full: writing stopped for lack of space)",
            recorders.clone(),
        );
        Metrics { registry, requests, latency, viewers, tcp_connections, cameras, analysis, restarts, recorders }
    }

    /// Takes the media figures of the moment (called when scraped).
    pub fn set_media(&self, viewers: usize, tcp_connections: usize, camera_states: &[&'static str]) {
        self.viewers.set(viewers as i64);
        self.tcp_connections.set(tcp_connections as i64);
        for state in ["idle", "connecting", "online", "offline", "unplayable"] {
            let n = camera_states.iter().filter(|s| **s == state).count();
            self.cameras.get_or_create(&StateLabels { state: state.into() }).set(n as i64);
        }
    }

    /// The recorders' states of the moment.
    pub fn set_recorders(&self, states: &[mingchu_media::record::RecorderState]) {
        for state in ["standby", "recording", "disk_full"] {
            let n = states.iter().filter(|s| s.code() == state).count();
            self.recorders.get_or_create(&StateLabels { state: state.into() }).set(n as i64);
        }
    }

    /// Restarts of a supervised part (`sfu`, `analysis`) so far.
    pub fn set_restarts(&self, part: &str, count: u64) {
        self.restarts.get_or_create(&PartLabels { part: part.into() }).set(count as i64);
    }

    /// Takes the frame-analysis figures of the moment (called when scraped).
    pub fn set_analysis(&self, f: &mingchu_analysis::AnalysisFigures) {
        let values =
            [f.queue_depth as i64, f.dropped as i64, f.samples as i64, f.decode_errors as i64, f.captures as i64];
        for (gauge, value) in self.analysis.iter().zip(values) {
            gauge.set(value);
        }
    }

    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        prometheus_client::encoding::text::encode(&mut out, &self.registry).expect("encode metrics");
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// Middleware recording every request.
pub async fn track(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "other".into());
    let method = method_label(req.method()).to_string();
    let start = Instant::now();
    let response = next.run(req).await;
    metrics.latency.get_or_create(&RouteLabels { route: route.clone() }).observe(start.elapsed().as_secs_f64());
    metrics.requests.get_or_create(&RequestLabels { method, route, status: response.status().as_u16() }).inc();
    response
}

/// The standard methods by name; anything a client made up is `other`, so requests cannot
/// create new series.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

pub async fn scrape(State(state): State<crate::state::AppState>) -> impl IntoResponse {
    let sfu = &state.media.sfu;
    state.metrics.set_media(sfu.viewer_count(), sfu.tcp_connection_count(), &state.media.cameras.states());
    state.metrics.set_restarts("sfu", state.media.sfu.restarts.count());
    if let Some(playback) = &state.playback {
        state.metrics.set_recorders(&playback.recordings.states());
    }
    if let Some(analysis) = &state.analysis {
        state.metrics.set_analysis(&analysis.figures());
        state.metrics.set_restarts("analysis", analysis.restarts.count());
    }
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.encode())
}
