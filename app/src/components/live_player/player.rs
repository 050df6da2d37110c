//! The tile's life in the browser: when to open a session, what each outcome means, when to
//! try again, and when to stop.

use super::dom::{Listener, Timer, Visibility};
use super::peer::{self, Peer};
use super::timing;
use super::whep::{self, WhepError};
use super::PlayerState;
use crate::domain::CameraId;
use leptos::html::{Figure, Video};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;
use web_sys::{Element, Event, HtmlVideoElement, MediaStream, RtcPeerConnection, RtcPeerConnectionState};

/// How long a new session gets to show its first frame.
const FIRST_FRAME_DEADLINE: Duration = Duration::from_secs(15);
/// How long a `disconnected` connection gets to recover by itself.
const DISCONNECTED_GRACE: Duration = Duration::from_secs(3);
/// How often a live tile checks that new frames are shown…
const STALL_CHECK: Duration = Duration::from_secs(2);
/// …and how many checks in a row without one count as a stall.
const STALL_CHECKS: u32 = 3;

/// Starts the player once the tile is in the page and stops it when the component goes away.
pub fn attach(camera: CameraId, tile: NodeRef<Figure>, video: NodeRef<Video>, state: RwSignal<PlayerState>) {
    // `on_cleanup` wants a `Send` closure; the player lives on the page's only thread.
    let player = SendWrapper::new(Rc::new(RefCell::new(None::<Rc<Player>>)));
    let slot = player.clone();
    Effect::new(move |_| {
        if let (Some(tile), Some(video)) = (tile.get(), video.get()) {
            let mut slot = slot.borrow_mut();
            if slot.is_none() {
                *slot = Some(Player::start(camera, &tile, video, state));
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

/// One WHEP session; dropping it closes the connection and deletes the session on the server.
struct Session {
    /// Held for its drop, which closes the connection.
    _peer: Peer,
    /// Known once the server has answered.
    location: Option<String>,
    /// Running until the first frame shows.
    deadline: Option<Timer>,
    /// Running while the connection is `disconnected`.
    grace: Option<Timer>,
    /// Running while frames play.
    watchdog: Option<Timer>,
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(location) = &self.location {
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
    fn start(camera: CameraId, tile: &Element, video: HtmlVideoElement, state: RwSignal<PlayerState>) -> Rc<Player> {
        // The attribute alone does not mute an element created by script, and autoplay needs it.
        video.set_muted(true);
        let player = Rc::new(Player {
            camera,
            video: video.clone(),
            state,
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
        let generation = {
            let mut inner = self.inner.borrow_mut();
            inner.generation += 1;
            inner.generation
        };
        let peer = Peer::new(
            weakly(self, |p: &Rc<Player>, stream: MediaStream| p.video.set_src_object(Some(&stream))),
            weakly(self, move |p: &Rc<Player>, state: RtcPeerConnectionState| p.connection_changed(generation, state)),
        );
        let peer = match peer {
            Ok(peer) => peer,
            Err(error) => {
                // No WebRTC in this browser: nothing to retry.
                leptos::logging::warn!("camera {}: no WebRTC: {error:?}", self.camera);
                self.give_up(PlayerState::Unplayable);
                return;
            }
        };
        let connection = peer.connection();
        let weak = Rc::downgrade(self);
        let deadline = Timer::once(FIRST_FRAME_DEADLINE, move || {
            if let Some(player) = weak.upgrade() {
                player.failed(generation, "no video in time");
            }
        });
        let attempts = {
            let mut inner = self.inner.borrow_mut();
            inner.session = Some(Session { _peer: peer, location: None, deadline, grace: None, watchdog: None });
            inner.attempts
        };
        // An offline camera stays marked offline while it is asked again.
        if self.state.get_untracked() != PlayerState::Offline {
            self.state.set(if attempts == 0 { PlayerState::Connecting } else { PlayerState::Reconnecting });
        }
        leptos::task::spawn_local(self.clone().negotiate(generation, connection));
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
            match inner.session.as_mut().filter(|_| current) {
                Some(session) => {
                    session.location = Some(answer.location.clone());
                    true
                }
                None => false,
            }
        };
        if !recorded {
            whep::delete(&answer.location);
            return;
        }
        if let Err(error) = peer::accept(&connection, &answer.sdp).await {
            self.failed(generation, &format!("answer: {error:?}"));
        }
    }

    fn is_current(&self, generation: u64) -> bool {
        self.inner.borrow().generation == generation
    }

    /// What the server's refusal means for the tile.
    fn refused(self: &Rc<Self>, generation: u64, error: WhepError) {
        if !self.is_current(generation) {
            return;
        }
        match error {
            WhepError::UnknownCamera => self.give_up(PlayerState::Offline),
            WhepError::Unplayable => self.give_up(PlayerState::Unplayable),
            WhepError::Unavailable(after) => {
                self.end_session();
                self.state.set(PlayerState::Offline);
                self.retry_after(after);
            }
            WhepError::Failed(reason) => self.failed(generation, &reason),
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
        if session.is_some() {
            self.video.set_src_object(None);
        }
    }

    fn connection_changed(self: &Rc<Self>, generation: u64, state: RtcPeerConnectionState) {
        if !self.is_current(generation) {
            return;
        }
        match state {
            RtcPeerConnectionState::Connected => {
                if let Some(session) = self.inner.borrow_mut().session.as_mut() {
                    session.grace = None;
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
