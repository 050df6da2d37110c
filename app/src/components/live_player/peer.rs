//! The browser's side of a receive-only WebRTC session: one video transceiver, no ICE servers
//! (the server is reachable directly and learns the browser's address from its STUN checks).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Event, MediaStream, RtcPeerConnection, RtcPeerConnectionState, RtcRtpTransceiverDirection, RtcRtpTransceiverInit,
    RtcSdpType, RtcSessionDescriptionInit, RtcTrackEvent,
};

/// A peer connection and its event handlers; closed on drop.
pub struct Peer {
    connection: RtcPeerConnection,
    _on_track: Closure<dyn FnMut(RtcTrackEvent)>,
    _on_state: Closure<dyn FnMut(Event)>,
}

impl Peer {
    /// A connection that will receive one video track, handed to `on_stream` when it arrives;
    /// `on_state` hears every change of the connection state.
    pub fn new(
        mut on_stream: impl FnMut(MediaStream) + 'static,
        mut on_state: impl FnMut(RtcPeerConnectionState) + 'static,
    ) -> Result<Peer, JsValue> {
        let connection = RtcPeerConnection::new()?;
        let init = RtcRtpTransceiverInit::new();
        init.set_direction(RtcRtpTransceiverDirection::Recvonly);
        connection.add_transceiver_with_str_and_init("video", &init);

        let on_track = Closure::<dyn FnMut(RtcTrackEvent)>::new(move |event: RtcTrackEvent| {
            // A server that names no stream for the track still gets it played.
            let stream = event
                .streams()
                .get(0)
                .dyn_into::<MediaStream>()
                .or_else(|_| MediaStream::new_with_tracks(&js_sys::Array::of1(&event.track())));
            if let Ok(stream) = stream {
                on_stream(stream);
            }
        });
        connection.set_ontrack(Some(on_track.as_ref().unchecked_ref()));

        let watched = connection.clone();
        let on_state = Closure::<dyn FnMut(Event)>::new(move |_: Event| on_state(watched.connection_state()));
        connection.set_onconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));

        Ok(Peer { connection, _on_track: on_track, _on_state: on_state })
    }

    /// A handle for the asynchronous steps below, which must not borrow the `Peer`.
    pub fn connection(&self) -> RtcPeerConnection {
        self.connection.clone()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.connection.set_ontrack(None);
        self.connection.set_onconnectionstatechange(None);
        self.connection.close();
    }
}

/// Creates the offer and makes it the local description; returns its SDP. Candidates are
/// not awaited: the server needs none from the offer.
pub async fn offer(connection: &RtcPeerConnection) -> Result<String, JsValue> {
    let offer = JsFuture::from(connection.create_offer()).await?;
    JsFuture::from(connection.set_local_description(offer.unchecked_ref())).await?;
    connection
        .local_description()
        .map(|description| description.sdp())
        .ok_or_else(|| JsValue::from_str("no local description"))
}

/// Applies the server's answer.
pub async fn accept(connection: &RtcPeerConnection, sdp: &str) -> Result<(), JsValue> {
    let answer = RtcSessionDescriptionInit::new(RtcSdpType::Answer);
    answer.set_sdp(sdp);
    JsFuture::from(connection.set_remote_description(&answer)).await.map(|_| ())
}
