//! The tile's life in the browser: when to open a session, over which transport, what each
//! outcome means, when to try again, and when to stop.

use super::dom::{Listener, Timer, Visibility};
use super::fallback;
use super::http_feed::{self, Appender, Feed};
use super::peer::{self, Peer};
use super::refusal::Refusal;
use super::timing;
use super::whep;
use super::{PlayerState, Transport};
use crate::domain::CameraId;
use leptos::html::{Figure, Video};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;
use web_sys::{
    AbortSignal, Element, Event, HtmlVideoElement, MediaSource, MediaStream, RtcPeerConnection, RtcPeerConnectionState,
};

/// How long a new session gets to show its first frame.
const FIRST_FRAME_DEADLINE: Duration = Duration::from_secs(15);
/// How long WebRTC gets, from the server's answer, to connect; past it, the network is taken
/// to block it and the tile switches to plain HTTP. On a working network it takes well under
/// a second; a network that drops UDP never connects.
const CONNECT_DEADLINE: Duration = Duration::from_secs(5);
/// How long a `disconnected` connection gets to recover by itself.
const DISCONNECTED_GRACE: Duration = Duration::from_secs(3);
/// How often a live tile checks that new frames are shown…
const STALL_CHECK: Duration = Duration::from_secs(2);
/// …and how many checks in a row without one count as a stall.
const STALL_CHECKS: u32 = 3;

/// Starts the player once the tile is in the page and stops it when the component goes away.
pub fn attach(
    camera: CameraId,
    tile: NodeRef<Figure>,
    video: NodeRef<Video>,
    state: RwSignal<PlayerState>,
    transport: RwSignal<Transport>,
) {
    // `on_cleanup` wants a `Send` closure; the player lives on the page's only thread.
    let player = SendWrapper::new(Rc::new(RefCell::new(None::<Rc<Player>>)));
    let slot = player.clone();
    Effect::new(move |_| {
        if let (Some(tile), Some(video)) = (tile.get(), video.get()) {
            let mut slot = slot.borrow_mut();
            if slot.is_none() {
                *slot = Some(Player::start(camera, &tile, video, state, transport));
            }
        }
    });
    on_cleanup(move || {
        let started = player.borrow_mut().take();
        if let Some(started) = started {
            started.stop();
        }
    });
}

struct Player {
    camera: CameraId,
    video: HtmlVideoElement,
    state: RwSignal<PlayerState>,
    transport: RwSignal<Transport>,
    inner: RefCell<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Bumped whenever a session starts or ends, so that late news about an old one is ignored.
    generation: u64,
    session: Option<Session>,
    /// Reconnections since frames last played.
    attempts: u32,
    /// The next attempt, when one is planned.
    retry: Option<Timer>,
    on_screen: bool,
    /// False between `pagehide` and `pageshow`.
    page_shown: bool,
    /// The server said that asking again will not help, or the player has stopped.
    given_up: bool,
    /// Page, video and viewport hooks, dropped (and so removed) when the player stops.
    listeners: Vec<Listener>,
    visibility: Option<Visibility>,
}

/// One stream into the tile; dropping it closes the connection, deletes a WHEP session on the
/// server, or stops the HTTP download.
struct Session {
    link: Link,
    /// Running until the first frame shows.
    deadline: Option<Timer>,
    /// Running while the connection is `disconnected`.
    grace: Option<Timer>,
    /// Running while frames play.
    watchdog: Option<Timer>,
}

enum Link {
    WebRtc {
        /// Held for its drop, which closes the connection.
        _peer: Peer,
        /// Known once the server has answered.
        location: Option<String>,
        /// Running from the answer until the connection is established.
        connecting: Option<Timer>,
        /// The connection was established at least once.
        connected: bool,
    },
    Http {
        /// Held for its drop, which stops the download and frees the video.
        _feed: Feed,
    },
}

impl Session {
    fn new(link: Link, deadline: Option<Timer>) -> Session {
        Session { link, deadline, grace: None, watchdog: None }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Link::WebRtc { location: Some(location), .. } = &self.link {
            whep::delete(location);
        }
    }
}

/// Wraps a callback so that it holds the player weakly and does nothing once it is gone.
fn weakly<A>(player: &Rc<Player>, f: impl Fn(&Rc<Player>, A) + 'static) -> impl Fn(A) + 'static {
    let weak: Weak<Player> = Rc::downgrade(player);
    move |arg| {
        if let Some(player) = weak.upgrade() {
            f(&player, arg)
        }
    }
}

impl Player {
    fn start(
        camera: CameraId,
        tile: &Element,
        video: HtmlVideoElement,
        state: RwSignal<PlayerState>,
        transport: RwSignal<Transport>,
    ) -> Rc<Player> {
        // The attribute alone does not mute an element created by script, and autoplay needs it.
        video.set_muted(true);
        let player = Rc::new(Player {
            camera,
            video: video.clone(),
            state,
            transport,
            inner: RefCell::new(Inner { page_shown: true, ..Inner::default() }),
        });
        let page_shown = |shown| weakly(&player, move |p: &Rc<Player>, _: Event| p.set_page_shown(shown));
        let listeners = vec![
            Listener::new(
                document().as_ref(),
                "visibilitychange",
                weakly(&player, |p: &Rc<Player>, _: Event| p.update()),
            ),
            Listener::new(window().as_ref(), "pagehide", page_shown(false)),
            Listener::new(window().as_ref(), "pageshow", page_shown(true)),
            Listener::new(video.as_ref(), "playing", weakly(&player, |p: &Rc<Player>, _: Event| p.playing())),
            Listener::new(video.as_ref(), "loadeddata", weakly(&player, |p: &Rc<Player>, _: Event| p.playing())),
        ];
        // Reports at once whether the tile is on screen, which starts the first session.
        let visibility = Visibility::observe(
            tile,
            weakly(&player, |p: &Rc<Player>, on_screen: bool| {
                p.inner.borrow_mut().on_screen = on_screen;
                p.update();
            }),
        );
        let mut inner = player.inner.borrow_mut();
        inner.listeners = listeners;
        inner.visibility = visibility;
        drop(inner);
        player
    }

    /// Ends everything for good: hooks, the planned retry and the session.
    fn stop(&self) {
        let (session, retry, listeners, visibility) = {
            let mut inner = self.inner.borrow_mut();
            inner.given_up = true;
            inner.generation += 1;
            (inner.session.take(), inner.retry.take(), std::mem::take(&mut inner.listeners), inner.visibility.take())
        };
        drop((session, retry, listeners, visibility));
    }

    fn set_page_shown(self: &Rc<Self>, shown: bool) {
        self.inner.borrow_mut().page_shown = shown;
        self.update();
    }

    /// Streams while the reader can see the tile, and only then.
    fn update(self: &Rc<Self>) {
        let (watched, idle, given_up) = {
            let inner = self.inner.borrow();
            let watched = inner.on_screen && inner.page_shown && !document().hidden();
            (watched, inner.session.is_none() && inner.retry.is_none(), inner.given_up)
        };
        if given_up {
            return;
        }
        if !watched {
            self.end_session();
            let mut inner = self.inner.borrow_mut();
            inner.retry = None;
            inner.attempts = 0;
            drop(inner);
            self.state.set(PlayerState::Paused);
        } else if idle {
            self.connect();
        }
    }

    fn connect(self: &Rc<Self>) {
        if self.transport.get_untracked() == Transport::WebRtc && fallback::webrtc_blocked() {
            self.transport.set(Transport::Http);
        }
        let generation = {
            let mut inner = self.inner.borrow_mut();
            inner.generation += 1;
            inner.generation
        };
        match self.transport.get_untracked() {
            Transport::WebRtc => self.connect_webrtc(generation),
            Transport::Http => self.connect_http(generation),
        }
    }

    /// Starts session `generation` with its link, and marks the tile as connecting.
    fn begin(self: &Rc<Self>, generation: u64, link: Link) {
        let weak = Rc::downgrade(self);
        let deadline = Timer::once(FIRST_FRAME_DEADLINE, move || {
            if let Some(player) = weak.upgrade() {
                player.failed(generation, "no video in time");
            }
        });
        let attempts = {
            let mut inner = self.inner.borrow_mut();
            inner.session = Some(Session::new(link, deadline));
            inner.attempts
        };
        // An offline camera stays marked offline while it is asked again.
        if self.state.get_untracked() != PlayerState::Offline {
            self.state.set(if attempts == 0 { PlayerState::Connecting } else { PlayerState::Reconnecting });
        }
    }

    fn connect_webrtc(self: &Rc<Self>, generation: u64) {
        let peer = Peer::new(
            weakly(self, |p: &Rc<Player>, stream: MediaStream| p.video.set_src_object(Some(&stream))),
            weakly(self, move |p: &Rc<Player>, state: RtcPeerConnectionState| p.connection_changed(generation, state)),
        );
        let peer = match peer {
            Ok(peer) => peer,
            Err(error) => return self.fall_back(generation, &format!("no WebRTC in this browser: {error:?}")),
        };
        let connection = peer.connection();
        self.begin(generation, Link::WebRtc { _peer: peer, location: None, connecting: None, connected: false });
        leptos::task::spawn_local(self.clone().negotiate(generation, connection));
    }

    /// WebRTC cannot get through from here: the rest of this visit watches over plain HTTP.
    fn fall_back(self: &Rc<Self>, generation: u64, reason: &str) {
        if !self.is_current(generation) {
            return;
        }
        leptos::logging::warn!("camera {}: {reason}; switching to plain HTTP", self.camera);
        fallback::note_webrtc_blocked();
        self.end_session();
        self.transport.set(Transport::Http);
        self.connect();
    }

    fn connect_http(self: &Rc<Self>, generation: u64) {
        let feed = match Feed::new(&self.video) {
            Ok(feed) => feed,
            Err(error) => {
                // Neither WebRTC nor Media Source Extensions: nothing to retry.
                leptos::logging::warn!("camera {}: no way to play live video here: {error:?}", self.camera);
                return self.give_up(PlayerState::Unplayable);
            }
        };
        let (signal, source) = feed.parts();
        self.begin(generation, Link::Http { _feed: feed });
        leptos::task::spawn_local(self.clone().stream(generation, signal, source));
    }

    /// Reads the HTTP stream into the video until it ends or the session does.
    async fn stream(self: Rc<Self>, generation: u64, signal: AbortSignal, source: MediaSource) {
        let response = match http_feed::request(self.camera, &signal).await {
            Ok(response) => response,
            Err(refusal) => return self.refused(generation, refusal),
        };
        if !self.is_current(generation) {
            return;
        }
        let appender = match Appender::open(&source, &self.video, &response).await {
            Ok(appender) => appender,
            Err(refusal) => return self.refused(generation, refusal),
        };
        loop {
            match appender.next().await {
                Ok(true) if self.is_current(generation) => {}
                Ok(true) => return,
                // The server ends the stream when the camera restarts or this viewer fell too
                // far behind: ask again.
                Ok(false) => return self.failed(generation, "the stream ended"),
                Err(error) => return self.failed(generation, &format!("stream: {error:?}")),
            }
        }
    }

    /// Offer, answer, and the session's URL; the media follows by itself.
    async fn negotiate(self: Rc<Self>, generation: u64, connection: RtcPeerConnection) {
        let sdp = match peer::offer(&connection).await {
            Ok(sdp) => sdp,
            Err(error) => return self.failed(generation, &format!("offer: {error:?}")),
        };
        if !self.is_current(generation) {
            return;
        }
        let answer = match whep::offer(self.camera, &sdp).await {
            Ok(answer) => answer,
            Err(error) => return self.refused(generation, error),
        };
        // The server holds a session from here on: remember where to end it, or end it now if
        // this attempt was given up while the answer was on its way.
        let recorded = {
            let mut inner = self.inner.borrow_mut();
            let current = inner.generation == generation;
            match inner.session.as_mut().filter(|_| current).map(|s| &mut s.link) {
                Some(Link::WebRtc { location, .. }) => {
                    *location = Some(answer.location.clone());
                    true
                }
                _ => false,
            }
        };
        if !recorded {
            whep::delete(&answer.location);
            return;
        }
        if let Err(error) = peer::accept(&connection, &answer.sdp).await {
            return self.failed(generation, &format!("answer: {error:?}"));
        }
        let weak = Rc::downgrade(&self);
        let timer = Timer::once(CONNECT_DEADLINE, move || {
            if let Some(player) = weak.upgrade() {
                player.fall_back(generation, "WebRTC did not connect in time");
            }
        });
        let mut inner = self.inner.borrow_mut();
        let current = inner.generation == generation;
        if let Some(Link::WebRtc { connecting, connected: false, .. }) =
            inner.session.as_mut().filter(|_| current).map(|s| &mut s.link)
        {
            *connecting = timer;
        }
    }

    fn is_current(&self, generation: u64) -> bool {
        self.inner.borrow().generation == generation
    }

    /// What the server's refusal means for the tile.
    fn refused(self: &Rc<Self>, generation: u64, refusal: Refusal) {
        if !self.is_current(generation) {
            return;
        }
        match refusal {
            Refusal::UnknownCamera => self.give_up(PlayerState::Offline),
            Refusal::Unplayable => self.give_up(PlayerState::Unplayable),
            Refusal::Unavailable(after) => {
                self.end_session();
                self.state.set(PlayerState::Offline);
                self.retry_after(after);
            }
            Refusal::Failed(reason) => self.failed(generation, &reason),
        }
    }

    /// The attempt or the session broke: try again after a growing pause.
    fn failed(self: &Rc<Self>, generation: u64, reason: &str) {
        if !self.is_current(generation) {
            return;
        }
        leptos::logging::warn!("camera {}: {reason}; reconnecting", self.camera);
        self.end_session();
        let attempts = {
            let mut inner = self.inner.borrow_mut();
            inner.attempts = inner.attempts.saturating_add(1);
            inner.attempts
        };
        self.state.set(PlayerState::Reconnecting);
        self.retry_after(timing::backoff(attempts, js_sys::Math::random()));
    }

    fn give_up(&self, state: PlayerState) {
        self.end_session();
        self.inner.borrow_mut().given_up = true;
        self.state.set(state);
    }

    fn retry_after(self: &Rc<Self>, delay: Duration) {
        let weak = Rc::downgrade(self);
        let timer = Timer::once(delay, move || {
            if let Some(player) = weak.upgrade() {
                player.inner.borrow_mut().retry = None;
                player.update();
            }
        });
        self.inner.borrow_mut().retry = timer;
    }

    fn end_session(&self) {
        let session = {
            let mut inner = self.inner.borrow_mut();
            inner.generation += 1;
            inner.session.take()
        };
        if matches!(session.as_ref().map(|s| &s.link), Some(Link::WebRtc { .. })) {
            self.video.set_src_object(None);
        }
        drop(session);
    }

    fn ever_connected(&self) -> bool {
        matches!(self.inner.borrow().session.as_ref().map(|s| &s.link), Some(Link::WebRtc { connected: true, .. }))
    }

    fn connection_changed(self: &Rc<Self>, generation: u64, state: RtcPeerConnectionState) {
        if !self.is_current(generation) {
            return;
        }
        match state {
            RtcPeerConnectionState::Connected => {
                if let Some(session) = self.inner.borrow_mut().session.as_mut() {
                    session.grace = None;
                    if let Link::WebRtc { connecting, connected, .. } = &mut session.link {
                        *connecting = None;
                        *connected = true;
                    }
                }
            }
            RtcPeerConnectionState::Disconnected => {
                let weak = Rc::downgrade(self);
                let mut inner = self.inner.borrow_mut();
                if let Some(session) = inner.session.as_mut().filter(|s| s.grace.is_none()) {
                    session.grace = Timer::once(DISCONNECTED_GRACE, move || {
                        if let Some(player) = weak.upgrade() {
                            player.failed(generation, "connection lost");
                        }
                    });
                }
            }
            // Failing before it ever connected: the network does not let WebRTC through.
            RtcPeerConnectionState::Failed if !self.ever_connected() => {
                self.fall_back(generation, "WebRTC connection failed")
            }
            RtcPeerConnectionState::Failed => self.failed(generation, "connection failed"),
            _ => {}
        }
    }

    /// The video shows frames: the tile is live, and watched for stalls from now on.
    fn playing(self: &Rc<Self>) {
        let started = {
            let mut inner = self.inner.borrow_mut();
            let generation = inner.generation;
            match inner.session.as_mut() {
                Some(session) if session.watchdog.is_none() => {
                    session.deadline = None;
                    session.watchdog = self.watchdog(generation);
                    true
                }
                _ => false,
            }
        };
        if started {
            self.inner.borrow_mut().attempts = 0;
            self.state.set(PlayerState::Live);
        }
    }

    /// Reconnects when no new frame has been shown for a while.
    fn watchdog(self: &Rc<Self>, generation: u64) -> Option<Timer> {
        let last = Cell::new(self.frames());
        let still = Cell::new(0);
        let weak = Rc::downgrade(self);
        Timer::every(STALL_CHECK, move || {
            let Some(player) = weak.upgrade() else { return };
            let frames = player.frames();
            if frames != last.replace(frames) {
                still.set(0);
            } else {
                still.set(still.get() + 1);
                if still.get() >= STALL_CHECKS {
                    player.failed(generation, "video stalled");
                }
            }
        })
    }

    fn frames(&self) -> u32 {
        self.video.get_video_playback_quality().total_video_frames()
    }
}
