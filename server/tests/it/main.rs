//! The server's integration tests, in one binary: each module drives the real `mingchu` binary
//! (or the library in-process) against real SQLite files, RTSP cameras and browsers' peers.
//! One binary instead of one per file: the server is linked once, not thirty times, which was
//! most of the test build's time and its disk.

#[path = "../support/mod.rs"]
mod support;

mod accounts;
mod analysis;
mod api;
mod api_tokens;
mod camera_cli;
mod complaint_desk;
mod complaints;
mod complaints_crash;
mod contracts;
mod enforcement;
mod engines;
mod feedback_requests;
mod honesty;
mod http;
mod import;
mod kpis;
mod limits;
mod live_fallback;
mod live_rtsp;
mod nodes;
mod open311;
mod patrols;
mod push;
mod recording;
mod recording_retention;
mod refusals;
mod replies;
mod review_desk;
mod screens;
mod slow_clients;
mod venue_desk;
mod workspace_signin;
