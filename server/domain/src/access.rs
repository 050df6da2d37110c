//! Who may do what in the workspace: the one policy function, [`decide`]. Every page, API
//! handler and command that acts for a person asks it, with the actor (a signed-in user or an
//! API token acting for one), the action and the object acted on, and shows its refusal.
//!
//! - An **administrator** may do everything.
//! - An **inspector** works for one supervision office and acts only on venues in the
//!   jurisdictions that office covers (its own and everything below it).
//! - A **venue operator** sees only their own venues: camera health, findings and orders, the
//!   complaints about them without the complainant's identity; they reply for the venue.
//!
//! An API token acts for its user, and only within its scopes.

use crate::vocab::VenueId;
use serde::{Deserialize, Serialize};

/// Identifies a workspace account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

/// Identifies a supervision office (监管所).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OfficeId(pub i64);

/// Identifies a jurisdiction (a district, a street or town).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct JurisdictionId(pub i64);

macro_rules! display_id {
    ($($t:ty),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}
display_id!(UserId, OfficeId, JurisdictionId);

/// A workspace role. Citizens need no account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Administrator,
    Inspector,
    Operator,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Administrator, Role::Inspector, Role::Operator];

    /// The stable code stored in the database and typed on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Inspector => "inspector",
            Role::Operator => "operator",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// What an API token may be used for. A signed-in session has every scope of its role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenScope {
    /// Read the workspace's data (captures, complaints, venues' health).
    Read,
    /// Review captures.
    Captures,
    /// Handle complaints.
    Complaints,
    /// Record violations, issue and verify rectification orders.
    Orders,
    /// Change venues, cameras, screens and replies.
    Venues,
    /// Administer accounts, tokens and the audit log.
    Admin,
}

impl TokenScope {
    pub const ALL: [TokenScope; 6] = [
        TokenScope::Read,
        TokenScope::Captures,
        TokenScope::Complaints,
        TokenScope::Orders,
        TokenScope::Venues,
        TokenScope::Admin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Captures => "captures",
            TokenScope::Complaints => "complaints",
            TokenScope::Orders => "orders",
            TokenScope::Venues => "venues",
            TokenScope::Admin => "admin",
        }
    }

    pub fn from_code(code: &str) -> Option<TokenScope> {
        TokenScope::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Someone acting in the workspace: a signed-in user, or an API token acting for one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user: UserId,
    pub role: Role,
    /// An inspector's office and the jurisdictions it covers (the office's own; a venue is
    /// covered when its jurisdiction or one above it is listed).
    pub office: Option<(OfficeId, Vec<JurisdictionId>)>,
    /// An operator's venues.
    pub venues: Vec<VenueId>,
    /// `Some` when acting through an API token: only these scopes.
    pub token_scopes: Option<Vec<TokenScope>>,
}

impl Actor {
    pub fn administrator(user: UserId) -> Actor {
        Actor { user, role: Role::Administrator, office: None, venues: Vec::new(), token_scopes: None }
    }

    /// The server's command line (and the deprecated `--admin-token`): whoever runs it owns
    /// the database, so it acts as an administrator. User 0 is nobody's account.
    pub fn shell() -> Actor {
        Actor::administrator(UserId(0))
    }

    pub fn inspector(user: UserId, office: OfficeId, covers: Vec<JurisdictionId>) -> Actor {
        Actor { user, role: Role::Inspector, office: Some((office, covers)), venues: Vec::new(), token_scopes: None }
    }

    pub fn operator(user: UserId, venues: Vec<VenueId>) -> Actor {
        Actor { user, role: Role::Operator, office: None, venues, token_scopes: None }
    }

    /// The same actor limited to a token's scopes.
    pub fn through_token(mut self, scopes: Vec<TokenScope>) -> Actor {
        self.token_scopes = Some(scopes);
        self
    }
}

/// Where a venue sits: its id and its jurisdiction with every one above it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VenuePlace {
    pub venue: VenueId,
    pub jurisdictions: Vec<JurisdictionId>,
}

/// What an action is done to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Object<'a> {
    /// The whole programme (every office and venue).
    Programme,
    /// One venue, and what belongs to it (its cameras, captures, complaints, replies).
    Venue(&'a VenuePlace),
    /// One supervision office (its queue, its settings, its figures).
    Office(OfficeId),
    /// One jurisdiction's figures: the jurisdiction and every one above it.
    Area(&'a [JurisdictionId]),
    /// One account (its sessions, second factor, tokens).
    Account(UserId),
    /// Something the request names that does not exist: only someone who may act on
    /// everything learns that; anyone else is refused as if it were not theirs.
    Missing,
}

/// What an actor's listings may hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Coverage {
    Everything,
    /// Venues in these jurisdictions or any below them.
    Jurisdictions(Vec<JurisdictionId>),
    /// These venues.
    Venues(Vec<VenueId>),
}

impl Actor {
    /// Whether the actor sees captures in `state` (of what they cover). A venue's operator
    /// sees only findings a person confirmed against the venue, not the queue or what was
    /// dismissed; reviewers see every state.
    pub fn sees_capture(&self, state: crate::review::ReviewState) -> bool {
        self.role != Role::Operator || state == crate::review::ReviewState::Confirmed
    }

    /// The capture states the actor sees.
    pub fn visible_captures(&self) -> Vec<crate::review::ReviewState> {
        crate::review::ReviewState::ALL.into_iter().filter(|s| self.sees_capture(*s)).collect()
    }

    /// What a listing asked by this actor may show.
    pub fn coverage(&self) -> Coverage {
        match self.role {
            Role::Administrator => Coverage::Everything,
            Role::Inspector => Coverage::Jurisdictions(self.office.iter().flat_map(|(_, c)| c.clone()).collect()),
            Role::Operator => Coverage::Venues(self.venues.clone()),
        }
    }
}

/// Everything the workspace lets someone do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Open the console.
    UseConsole,
    /// See a venue's camera health, online rate, findings and orders.
    ViewVenue,
    /// See AI captures and their review.
    ViewCaptures,
    /// Confirm, dismiss, merge or unreview a capture.
    ReviewCapture,
    /// See complaints (their text, status and updates).
    ViewComplaints,
    /// See who complained and how to reach them.
    ViewComplainant,
    /// Accept, reject, assign, annotate, mark duplicate, close.
    HandleComplaint,
    /// Record a violation, issue a rectification order, verify the venue's reply, decide on
    /// an extension.
    Enforce,
    /// Change a venue's status (operating, suspended, closed, planned).
    ChangeVenueStatus,
    /// Add cameras, make them private or always-on.
    ManageCameras,
    /// Register, rotate and revoke display screens.
    ManageScreens,
    /// Publish or reject a venue's reply.
    ModerateReply,
    /// Reply for the venue (to an inspection, a finding, a complaint).
    ReplyForVenue,
    /// Configure where findings are pushed (webhooks, robots).
    ManageWebhooks,
    /// Change an account's password, second factor, sessions and own tokens.
    ManageAccount,
    /// Create, disable and reset accounts; issue tokens for others.
    ManageUsers,
    /// Read and verify the audit log.
    ViewAudit,
    /// See the key figures (KPIs) and the evaluation report of an office, a jurisdiction or
    /// the programme.
    ViewFigures,
    /// Record or remove the purchased-service contract (the supplier's price, threshold and
    /// penalty).
    ManageContract,
    /// Set an office's (or the programme's) targets for a coming year's evaluation report.
    SetTargets,
    /// Play back a camera's recorded video (staff only: kitchens are filmed all day).
    ViewRecordings,
    /// Cut and export an evidence clip from a recording (audited with its SHA-256).
    ExportEvidence,
    /// Set what a camera records and for how long.
    ManageRecording,
}

impl Action {
    /// Actions that may be asked of the whole programme by someone with a narrower view: the
    /// answer (a list, a queue) holds only what they may see.
    /// Reviewing over the programme is the review desk's queue.
    fn is_listing(self) -> bool {
        matches!(
            self,
            Action::UseConsole
                | Action::ViewVenue
                | Action::ViewCaptures
                | Action::ReviewCapture
                | Action::ViewComplaints
                | Action::Enforce
        )
    }

    /// The token scope an action needs.
    fn scope(self) -> TokenScope {
        use Action::*;
        match self {
            UseConsole | ViewVenue | ViewCaptures | ViewComplaints | ViewComplainant | ViewFigures | ViewRecordings => {
                TokenScope::Read
            }
            ExportEvidence => TokenScope::Orders,
            ReviewCapture => TokenScope::Captures,
            HandleComplaint => TokenScope::Complaints,
            Enforce => TokenScope::Orders,
            ChangeVenueStatus | ManageCameras | ManageRecording | ManageScreens | ModerateReply | ReplyForVenue
            | ManageWebhooks => TokenScope::Venues,
            ManageAccount | ManageUsers | ViewAudit | ManageContract | SetTargets => TokenScope::Admin,
        }
    }
}

/// Why an action was refused; shown to the person (the console translates it).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("a {role} may not do this")]
    Role { role: &'static str },
    #[error("this venue is outside your office's jurisdictions")]
    OutsideJurisdiction,
    #[error("this is not one of your venues")]
    NotYourVenue,
    #[error("this belongs to another supervision office")]
    OtherOffice,
    #[error("this is another person's account")]
    OtherAccount,
    #[error("this token's scopes do not include \"{0}\"")]
    Scope(&'static str),
}

/// Decides whether `actor` may do `action` to `object`.
pub fn decide(actor: &Actor, action: Action, object: &Object) -> Result<(), Refusal> {
    use Action::*;
    if let Some(scopes) = &actor.token_scopes {
        if !scopes.contains(&action.scope()) {
            return Err(Refusal::Scope(action.scope().code()));
        }
    }
    let role = Refusal::Role { role: actor.role.code() };
    match actor.role {
        Role::Administrator => Ok(()),
        Role::Inspector => {
            let allowed = matches!(
                action,
                UseConsole
                    | ViewVenue
                    | ViewCaptures
                    | ReviewCapture
                    | ViewComplaints
                    | ViewComplainant
                    | HandleComplaint
                    | Enforce
                    | ChangeVenueStatus
                    | ManageCameras
                    | ManageScreens
                    | ModerateReply
                    | ManageWebhooks
                    | ManageAccount
                    | ViewFigures
                    | SetTargets
                    | ViewRecordings
                    | ExportEvidence
                    | ManageRecording
            );
            if !allowed {
                return Err(role);
            }
            let (office, covers) = actor.office.as_ref().map(|(o, c)| (*o, c.as_slice())).unwrap_or((OfficeId(0), &[]));
            match object {
                // Lists over the programme: the caller shows only what the office covers.
                Object::Programme if action.is_listing() => Ok(()),
                // The programme's figures are totals: any office may compare itself with them.
                Object::Programme if action == ViewFigures => Ok(()),
                Object::Programme | Object::Missing => Err(role),
                Object::Area(chain) if chain.iter().any(|j| covers.contains(j)) => Ok(()),
                Object::Area(_) => Err(Refusal::OutsideJurisdiction),
                Object::Venue(place) if place.jurisdictions.iter().any(|j| covers.contains(j)) => Ok(()),
                Object::Venue(_) => Err(Refusal::OutsideJurisdiction),
                Object::Office(o) if *o == office => Ok(()),
                Object::Office(_) => Err(Refusal::OtherOffice),
                Object::Account(user) if *user == actor.user => Ok(()),
                Object::Account(_) => Err(Refusal::OtherAccount),
            }
        }
        Role::Operator => {
            let allowed = matches!(
                action,
                UseConsole | ViewVenue | ViewCaptures | ViewComplaints | ReplyForVenue | ManageWebhooks | ManageAccount
            );
            if !allowed {
                return Err(role);
            }
            match object {
                // Lists over the programme: the caller shows only the operator's venues.
                Object::Programme if action.is_listing() => Ok(()),
                Object::Programme | Object::Office(_) | Object::Area(_) | Object::Missing => Err(role),
                Object::Venue(place) if actor.venues.contains(&place.venue) => Ok(()),
                Object::Venue(_) => Err(Refusal::NotYourVenue),
                Object::Account(user) if *user == actor.user => Ok(()),
                Object::Account(_) => Err(Refusal::OtherAccount),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Action::*;
    use super::*;

    const DISTRICT: JurisdictionId = JurisdictionId(1);
    const STREET_A: JurisdictionId = JurisdictionId(2);
    const STREET_B: JurisdictionId = JurisdictionId(3);

    fn venue_in(id: i64, street: JurisdictionId) -> VenuePlace {
        VenuePlace { venue: VenueId(id), jurisdictions: vec![street, DISTRICT] }
    }

    fn inspector_a() -> Actor {
        Actor::inspector(UserId(2), OfficeId(10), vec![STREET_A])
    }

    fn operator_of(venue: i64) -> Actor {
        Actor::operator(UserId(3), vec![VenueId(venue)])
    }

    #[test]
    fn recordings_are_for_staff_within_their_jurisdiction_only() {
        let ours = venue_in(1, STREET_A);
        let theirs = venue_in(2, STREET_B);
        for action in [ViewRecordings, ExportEvidence, ManageRecording] {
            assert_eq!(decide(&inspector_a(), action, &Object::Venue(&ours)), Ok(()), "{action:?}");
            assert_eq!(
                decide(&inspector_a(), action, &Object::Venue(&theirs)),
                Err(Refusal::OutsideJurisdiction),
                "{action:?}"
            );
            // An operator sees their cameras live, never their recordings.
            assert_eq!(decide(&operator_of(1), action, &Object::Venue(&ours)), Err(Refusal::Role { role: "operator" }));
        }
        // A read-only token plays back but cannot export.
        let mut token = inspector_a();
        token.token_scopes = Some(vec![TokenScope::Read]);
        assert_eq!(decide(&token, ViewRecordings, &Object::Venue(&ours)), Ok(()));
        assert_eq!(decide(&token, ExportEvidence, &Object::Venue(&ours)), Err(Refusal::Scope("orders")));
    }

    #[test]
    fn an_administrator_may_do_everything() {
        let admin = Actor::administrator(UserId(1));
        let place = venue_in(7, STREET_B);
        let objects =
            [Object::Programme, Object::Venue(&place), Object::Office(OfficeId(99)), Object::Account(UserId(42))];
        for object in &objects {
            for action in [UseConsole, ReviewCapture, ViewComplainant, ChangeVenueStatus, ManageUsers, ViewAudit] {
                assert_eq!(decide(&admin, action, object), Ok(()), "{action:?} on {object:?}");
            }
        }
    }

    #[test]
    fn an_inspector_acts_within_their_offices_jurisdictions_only() {
        let inspector = inspector_a();
        let ours = venue_in(1, STREET_A);
        let theirs = venue_in(2, STREET_B);
        for action in
            [ViewVenue, ReviewCapture, ViewComplainant, HandleComplaint, Enforce, ChangeVenueStatus, ManageCameras]
        {
            assert_eq!(decide(&inspector, action, &Object::Venue(&ours)), Ok(()), "{action:?}");
            assert_eq!(decide(&inspector, action, &Object::Venue(&theirs)), Err(Refusal::OutsideJurisdiction));
        }
        // An office that covers the whole district covers every street in it.
        let bureau = Actor::inspector(UserId(5), OfficeId(1), vec![DISTRICT]);
        assert_eq!(decide(&bureau, ReviewCapture, &Object::Venue(&theirs)), Ok(()));
        // The review desk: the office's queue, over the programme.
        assert_eq!(decide(&inspector, ReviewCapture, &Object::Programme), Ok(()));
        assert!(inspector.sees_capture(crate::review::ReviewState::Pending));
    }

    #[test]
    fn figures_of_the_own_office_and_area_and_the_programme_only() {
        let inspector = inspector_a();
        assert_eq!(decide(&inspector, ViewFigures, &Object::Programme), Ok(()));
        assert_eq!(decide(&inspector, ViewFigures, &Object::Office(OfficeId(10))), Ok(()));
        assert_eq!(decide(&inspector, ViewFigures, &Object::Office(OfficeId(11))), Err(Refusal::OtherOffice));
        assert_eq!(decide(&inspector, ViewFigures, &Object::Area(&[STREET_A, DISTRICT])), Ok(()));
        assert_eq!(
            decide(&inspector, ViewFigures, &Object::Area(&[STREET_B, DISTRICT])),
            Err(Refusal::OutsideJurisdiction),
            "a street office does not see its neighbour's street"
        );
        assert_eq!(decide(&inspector, ViewFigures, &Object::Area(&[DISTRICT])), Err(Refusal::OutsideJurisdiction));
        let operator = operator_of(1);
        for object in [Object::Programme, Object::Office(OfficeId(10)), Object::Area(&[STREET_A, DISTRICT])] {
            assert_eq!(decide(&operator, ViewFigures, &object), Err(Refusal::Role { role: "operator" }), "{object:?}");
        }
        let admin = Actor::administrator(UserId(1));
        assert_eq!(decide(&admin, ViewFigures, &Object::Area(&[STREET_B, DISTRICT])), Ok(()));
        let reader = inspector.through_token(vec![TokenScope::Read]);
        assert_eq!(decide(&reader, ViewFigures, &Object::Programme), Ok(()));
        let reviewer = inspector_a().through_token(vec![TokenScope::Captures]);
        assert_eq!(decide(&reviewer, ViewFigures, &Object::Programme), Err(Refusal::Scope("read")));
    }

    #[test]
    fn an_inspector_sets_the_targets_of_their_own_office_only() {
        let inspector = inspector_a();
        assert_eq!(decide(&inspector, SetTargets, &Object::Office(OfficeId(10))), Ok(()));
        assert_eq!(decide(&inspector, SetTargets, &Object::Office(OfficeId(11))), Err(Refusal::OtherOffice));
        assert_eq!(decide(&inspector, SetTargets, &Object::Programme), Err(Refusal::Role { role: "inspector" }));
        assert_eq!(
            decide(&operator_of(1), SetTargets, &Object::Office(OfficeId(10))),
            Err(Refusal::Role { role: "operator" })
        );
        assert_eq!(decide(&Actor::administrator(UserId(1)), SetTargets, &Object::Programme), Ok(()));
    }

    #[test]
    fn only_an_administrator_records_the_service_contract() {
        assert_eq!(decide(&Actor::administrator(UserId(1)), ManageContract, &Object::Programme), Ok(()));
        let inspector = inspector_a();
        assert_eq!(decide(&inspector, ManageContract, &Object::Programme), Err(Refusal::Role { role: "inspector" }));
        assert_eq!(
            decide(&operator_of(1), ManageContract, &Object::Programme),
            Err(Refusal::Role { role: "operator" })
        );
        let reader = Actor::administrator(UserId(1)).through_token(vec![TokenScope::Read]);
        assert_eq!(decide(&reader, ManageContract, &Object::Programme), Err(Refusal::Scope("admin")));
    }

    #[test]
    fn an_inspector_may_not_administer_or_reply_for_a_venue() {
        let inspector = inspector_a();
        let ours = venue_in(1, STREET_A);
        for (action, object) in [
            (ManageUsers, Object::Programme),
            (ViewAudit, Object::Programme),
            (ReplyForVenue, Object::Venue(&ours)),
            (ManageWebhooks, Object::Programme),
            (ChangeVenueStatus, Object::Programme),
        ] {
            assert_eq!(decide(&inspector, action, &object), Err(Refusal::Role { role: "inspector" }), "{action:?}");
        }
    }

    #[test]
    fn an_inspector_configures_only_their_own_office() {
        let inspector = inspector_a();
        assert_eq!(decide(&inspector, ManageWebhooks, &Object::Office(OfficeId(10))), Ok(()));
        assert_eq!(decide(&inspector, ManageWebhooks, &Object::Office(OfficeId(11))), Err(Refusal::OtherOffice));
    }

    #[test]
    fn an_operator_sees_their_own_venues_and_never_a_complainant() {
        let operator = operator_of(1);
        let own = venue_in(1, STREET_A);
        let other = venue_in(2, STREET_A);
        for action in [ViewVenue, ViewCaptures, ViewComplaints, ReplyForVenue, ManageWebhooks] {
            assert_eq!(decide(&operator, action, &Object::Venue(&own)), Ok(()), "{action:?}");
            assert_eq!(decide(&operator, action, &Object::Venue(&other)), Err(Refusal::NotYourVenue), "{action:?}");
        }
        let refused = Err(Refusal::Role { role: "operator" });
        for action in
            [ViewComplainant, ReviewCapture, HandleComplaint, Enforce, ChangeVenueStatus, ManageCameras, ModerateReply]
        {
            assert_eq!(decide(&operator, action, &Object::Venue(&own)), refused, "{action:?}");
        }
        assert_eq!(decide(&operator, ManageUsers, &Object::Programme), refused);
        // No review desk, and only confirmed findings in their listings.
        assert_eq!(decide(&operator, ReviewCapture, &Object::Programme), refused);
        assert!(!operator.sees_capture(crate::review::ReviewState::Pending));
        assert!(!operator.sees_capture(crate::review::ReviewState::Dismissed));
        assert_eq!(operator.visible_captures(), vec![crate::review::ReviewState::Confirmed]);
        assert_eq!(decide(&operator, ReplyForVenue, &Object::Programme), refused, "replies name their venue");
        assert_eq!(decide(&operator, ManageWebhooks, &Object::Office(OfficeId(10))), refused);
    }

    #[test]
    fn everyone_manages_their_own_account_and_nobody_elses() {
        for actor in [inspector_a(), operator_of(1)] {
            assert_eq!(decide(&actor, ManageAccount, &Object::Account(actor.user)), Ok(()));
            assert_eq!(decide(&actor, ManageAccount, &Object::Account(UserId(99))), Err(Refusal::OtherAccount));
        }
    }

    #[test]
    fn a_token_acts_only_within_its_scopes() {
        let place = venue_in(1, STREET_A);
        let reader = inspector_a().through_token(vec![TokenScope::Read]);
        assert_eq!(decide(&reader, ViewCaptures, &Object::Venue(&place)), Ok(()));
        assert_eq!(decide(&reader, ReviewCapture, &Object::Venue(&place)), Err(Refusal::Scope("captures")));
        assert_eq!(decide(&reader, Enforce, &Object::Venue(&place)), Err(Refusal::Scope("orders")));
        // Scopes narrow a role; they never widen it.
        let wide = operator_of(1).through_token(TokenScope::ALL.to_vec());
        assert_eq!(decide(&wide, ReviewCapture, &Object::Venue(&place)), Err(Refusal::Role { role: "operator" }));
        let admin_token = Actor::administrator(UserId(1)).through_token(vec![TokenScope::Complaints]);
        assert_eq!(decide(&admin_token, ManageUsers, &Object::Programme), Err(Refusal::Scope("admin")));
        assert_eq!(decide(&admin_token, HandleComplaint, &Object::Venue(&place)), Ok(()));
    }

    #[test]
    fn only_someone_who_may_act_on_everything_learns_that_something_is_missing() {
        assert_eq!(decide(&Actor::shell(), ReviewCapture, &Object::Missing), Ok(()));
        assert_eq!(decide(&inspector_a(), ReviewCapture, &Object::Missing), Err(Refusal::Role { role: "inspector" }));
        assert_eq!(decide(&operator_of(1), ViewCaptures, &Object::Missing), Err(Refusal::Role { role: "operator" }));
        // The scope is checked first, as always.
        let reader = Actor::shell().through_token(vec![TokenScope::Read]);
        assert_eq!(decide(&reader, ReviewCapture, &Object::Missing), Err(Refusal::Scope("captures")));
    }

    #[test]
    fn listings_cover_what_the_role_covers() {
        assert_eq!(Actor::shell().coverage(), Coverage::Everything);
        assert_eq!(inspector_a().coverage(), Coverage::Jurisdictions(vec![STREET_A]));
        assert_eq!(operator_of(4).coverage(), Coverage::Venues(vec![VenueId(4)]));
    }

    #[test]
    fn codes_parse_back() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        for scope in TokenScope::ALL {
            assert_eq!(TokenScope::from_code(scope.code()), Some(scope));
        }
        assert_eq!(Role::from_code("citizen"), None);
    }
}
