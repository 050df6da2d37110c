//! Rectification orders (责令改正 / 整改通知): the one state machine every order follows, from
//! issue to close. An inspector issues an order with a due day; the venue replies with what it
//! put right, or asks once or twice for more time; the inspector accepts the reply (closed) or
//! rejects it with a reason (back to the venue), and grants or refuses the extension. Past its
//! due day an order that is not closed is overdue. Pure: the China day is passed in.

use chrono::NaiveDate;

/// How many extensions one order may be given.
pub const MAX_EXTENSIONS: u32 = 2;
/// The longest note, requirement or reason.
pub const MAX_TEXT_CHARS: usize = 2000;

/// Where an order stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderState {
    /// Waiting for the venue to put things right and reply.
    Issued,
    /// The venue replied; waiting for the inspector to verify.
    Replied,
    /// The venue asked for more time; waiting for the inspector.
    ExtensionAsked,
    /// Verified and accepted: done.
    Closed,
}

impl OrderState {
    pub const ALL: [OrderState; 4] =
        [OrderState::Issued, OrderState::Replied, OrderState::ExtensionAsked, OrderState::Closed];

    pub fn code(self) -> &'static str {
        match self {
            OrderState::Issued => "issued",
            OrderState::Replied => "replied",
            OrderState::ExtensionAsked => "extension_asked",
            OrderState::Closed => "closed",
        }
    }

    pub fn from_code(code: &str) -> Option<OrderState> {
        OrderState::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Who acts on an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    /// The venue's operator.
    Venue,
    /// An inspector covering the venue.
    Inspector,
}

/// What happens to an order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The venue says what it put right.
    Reply {
        note: String,
    },
    /// The venue asks for time until `until`.
    AskExtension {
        until: NaiveDate,
        reason: String,
    },
    GrantExtension,
    RefuseExtension {
        reason: String,
    },
    /// The inspector verified the reply: closed.
    Accept,
    /// The reply does not do: back to the venue.
    Reject {
        reason: String,
    },
}

impl Step {
    /// The stored code of the step (`issue` is the order's first step, taken by [`issue`]).
    pub fn code(&self) -> &'static str {
        match self {
            Step::Reply { .. } => "reply",
            Step::AskExtension { .. } => "ask_extension",
            Step::GrantExtension => "grant_extension",
            Step::RefuseExtension { .. } => "refuse_extension",
            Step::Accept => "accept",
            Step::Reject { .. } => "reject",
        }
    }

    /// The party that takes this step.
    pub fn party(&self) -> Party {
        match self {
            Step::Reply { .. } | Step::AskExtension { .. } => Party::Venue,
            _ => Party::Inspector,
        }
    }

    /// Its note or reason, when it has one.
    pub fn note(&self) -> Option<&str> {
        match self {
            Step::Reply { note } => Some(note),
            Step::AskExtension { reason, .. } | Step::RefuseExtension { reason } | Step::Reject { reason } => {
                Some(reason)
            }
            Step::GrantExtension | Step::Accept => None,
        }
    }
}

impl Party {
    pub fn code(self) -> &'static str {
        match self {
            Party::Venue => "venue",
            Party::Inspector => "inspector",
        }
    }
}

/// The days an order usually gives, when the inspector does not set another due day.
pub const USUAL_DAYS_TO_RECTIFY: u64 = 7;

/// The notice's number as printed: the office's name, the year and the office's running
/// number for that year, e.g. `坪山街道监管所 整改〔2026〕第0012号`.
pub fn notice_number(office: &str, year: i32, seq: i64) -> String {
    format!("{office} 整改〔{year}〕第{seq:04}号")
}

/// How an order shows on the venue's public timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Being put right; due on the day.
    Open { due: NaiveDate },
    /// Past its due day and not closed.
    Overdue { due: NaiveDate },
    /// Verified as put right on the day.
    Rectified { on: NaiveDate, on_time: bool },
}

impl Standing {
    pub fn code(self) -> &'static str {
        match self {
            Standing::Open { .. } => "open",
            Standing::Overdue { .. } => "overdue",
            Standing::Rectified { .. } => "rectified",
        }
    }
}

/// The order's public standing on `today`.
pub fn standing(order: &Order, today: NaiveDate) -> Standing {
    match order.closed_on {
        Some(on) if order.state == OrderState::Closed => Standing::Rectified { on, on_time: on <= order.due },
        _ if is_overdue(order, today) => Standing::Overdue { due: order.due },
        _ => Standing::Open { due: order.due },
    }
}

/// An order as the rules see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    pub state: OrderState,
    pub issued_on: NaiveDate,
    pub due: NaiveDate,
    pub extensions: u32,
    /// The day asked for, while an extension is asked.
    pub asked_until: Option<NaiveDate>,
    /// When it was closed.
    pub closed_on: Option<NaiveDate>,
}

/// Why an order cannot be issued or a step not taken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OrderRefusal {
    #[error("an order names at least one violation")]
    NoViolation,
    #[error("an order states what must be put right")]
    NoRequirement,
    #[error("an order cites its legal basis")]
    NoLegalBasis,
    #[error("the due day must be after the day of issue")]
    DueTooEarly,
    #[error("a text can be at most 2000 characters")]
    TooLong,
    #[error("{0} needs its reason")]
    ReasonNeeded(&'static str),
    #[error("the reply says what was put right")]
    EmptyReply,
    #[error("an order that is {state} cannot take this step")]
    Step { state: &'static str },
    #[error("only the venue replies to its order and asks for time")]
    VenueOnly,
    #[error("only an inspector verifies an order and decides on extensions")]
    InspectorOnly,
    #[error("more time is asked for before the due day")]
    ExtensionTooLate,
    #[error("the extension must end after the current due day")]
    ExtensionNotLonger,
    #[error("an order is extended at most {MAX_EXTENSIONS} times")]
    TooManyExtensions,
}

fn text(value: &str, missing: OrderRefusal) -> Result<String, OrderRefusal> {
    let value = value.trim();
    if value.is_empty() {
        Err(missing)
    } else if value.chars().count() > MAX_TEXT_CHARS {
        Err(OrderRefusal::TooLong)
    } else {
        Ok(value.to_string())
    }
}

/// What an issued order carries, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub requirement: String,
    pub legal_basis: String,
    pub order: Order,
}

/// Issues an order on `today` for `violations`, due on `due`.
pub fn issue(
    violations: usize,
    requirement: &str,
    legal_basis: &str,
    due: NaiveDate,
    today: NaiveDate,
) -> Result<Issue, OrderRefusal> {
    if violations == 0 {
        return Err(OrderRefusal::NoViolation);
    }
    let requirement = text(requirement, OrderRefusal::NoRequirement)?;
    let legal_basis = text(legal_basis, OrderRefusal::NoLegalBasis)?;
    if due <= today {
        return Err(OrderRefusal::DueTooEarly);
    }
    let order =
        Order { state: OrderState::Issued, issued_on: today, due, extensions: 0, asked_until: None, closed_on: None };
    Ok(Issue { requirement, legal_basis, order })
}

/// The order after `party` takes `step` on `today`.
pub fn take(order: &Order, party: Party, step: &Step, today: NaiveDate) -> Result<Order, OrderRefusal> {
    use OrderState::*;
    let wrong_state = OrderRefusal::Step { state: order.state.code() };
    let venue_step = matches!(step, Step::Reply { .. } | Step::AskExtension { .. });
    match (party, venue_step) {
        (Party::Inspector, true) => return Err(OrderRefusal::VenueOnly),
        (Party::Venue, false) => return Err(OrderRefusal::InspectorOnly),
        _ => {}
    }
    let mut next = order.clone();
    match (order.state, step) {
        // A late reply is still a reply; the order stays counted as late by the figures.
        (Issued, Step::Reply { note }) => {
            text(note, OrderRefusal::EmptyReply)?;
            next.state = Replied;
        }
        (Issued, Step::AskExtension { until, reason }) => {
            text(reason, OrderRefusal::ReasonNeeded("an extension"))?;
            if today > order.due {
                return Err(OrderRefusal::ExtensionTooLate);
            }
            if *until <= order.due {
                return Err(OrderRefusal::ExtensionNotLonger);
            }
            if order.extensions >= MAX_EXTENSIONS {
                return Err(OrderRefusal::TooManyExtensions);
            }
            next.state = ExtensionAsked;
            next.asked_until = Some(*until);
        }
        (ExtensionAsked, Step::GrantExtension) => {
            next.due = order.asked_until.unwrap_or(order.due);
            next.extensions += 1;
            next.asked_until = None;
            next.state = Issued;
        }
        (ExtensionAsked, Step::RefuseExtension { reason }) => {
            text(reason, OrderRefusal::ReasonNeeded("a refusal"))?;
            next.asked_until = None;
            next.state = Issued;
        }
        (Replied, Step::Accept) => {
            next.state = Closed;
            next.closed_on = Some(today);
        }
        (Replied, Step::Reject { reason }) => {
            text(reason, OrderRefusal::ReasonNeeded("a rejection"))?;
            next.state = Issued;
        }
        _ => return Err(wrong_state),
    }
    Ok(next)
}

/// Whether the order is overdue on `today`: not closed, and its due day has passed.
pub fn is_overdue(order: &Order, today: NaiveDate) -> bool {
    order.state != OrderState::Closed && today > order.due
}

/// Whether the order was closed by its due day (`None` while open).
pub fn closed_on_time(order: &Order) -> Option<bool> {
    order.closed_on.map(|closed| closed <= order.due)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn issued() -> Order {
        issue(
            1,
            "清理后厨排水沟，加装挡鼠板",
            "《中华人民共和国食品安全法》第三十三条",
            day("2026-12-10"),
            day("2026-12-01"),
        )
        .unwrap()
        .order
    }

    fn reply() -> Step {
        Step::Reply { note: "已清理，照片见附件".into() }
    }

    #[test]
    fn an_order_is_issued_with_what_it_needs() {
        let today = day("2026-12-01");
        let due = day("2026-12-10");
        assert_eq!(issue(0, "r", "b", due, today), Err(OrderRefusal::NoViolation));
        assert_eq!(issue(1, " ", "b", due, today), Err(OrderRefusal::NoRequirement));
        assert_eq!(issue(1, "r", "", due, today), Err(OrderRefusal::NoLegalBasis));
        assert_eq!(issue(1, "r", "b", today, today), Err(OrderRefusal::DueTooEarly));
        assert_eq!(issue(1, &"长".repeat(2001), "b", due, today), Err(OrderRefusal::TooLong));
        let order = issued();
        assert_eq!((order.state, order.issued_on, order.due, order.extensions), (OrderState::Issued, today, due, 0));
    }

    #[test]
    fn reply_reject_reply_accept_closes_the_order() {
        let order = issued();
        let replied = take(&order, Party::Venue, &reply(), day("2026-12-03")).unwrap();
        assert_eq!(replied.state, OrderState::Replied);
        let reason = Step::Reject { reason: "照片中排水沟仍有积水".into() };
        let back = take(&replied, Party::Inspector, &reason, day("2026-12-04")).unwrap();
        assert_eq!(back.state, OrderState::Issued);
        assert_eq!(back.due, order.due, "a rejection keeps the due day");
        let again = take(&back, Party::Venue, &reply(), day("2026-12-06")).unwrap();
        let closed = take(&again, Party::Inspector, &Step::Accept, day("2026-12-08")).unwrap();
        assert_eq!((closed.state, closed.closed_on), (OrderState::Closed, Some(day("2026-12-08"))));
        assert_eq!(closed_on_time(&closed), Some(true));
        assert!(!is_overdue(&closed, day("2027-01-01")), "a closed order is never overdue");
    }

    #[test]
    fn every_step_is_refused_in_the_wrong_state_or_to_the_wrong_party() {
        let order = issued();
        let today = day("2026-12-02");
        assert_eq!(take(&order, Party::Inspector, &Step::Accept, today), Err(OrderRefusal::Step { state: "issued" }));
        assert_eq!(take(&order, Party::Inspector, &reply(), today), Err(OrderRefusal::VenueOnly));
        assert_eq!(take(&order, Party::Venue, &Step::Accept, today), Err(OrderRefusal::InspectorOnly));
        assert_eq!(
            take(&order, Party::Venue, &Step::Reply { note: "  ".into() }, today),
            Err(OrderRefusal::EmptyReply)
        );
        let replied = take(&order, Party::Venue, &reply(), today).unwrap();
        assert_eq!(take(&replied, Party::Venue, &reply(), today), Err(OrderRefusal::Step { state: "replied" }));
        assert_eq!(
            take(&replied, Party::Inspector, &Step::Reject { reason: "".into() }, today),
            Err(OrderRefusal::ReasonNeeded("a rejection"))
        );
        let closed = take(&replied, Party::Inspector, &Step::Accept, today).unwrap();
        for (party, step) in
            [(Party::Venue, reply()), (Party::Inspector, Step::Accept), (Party::Inspector, Step::GrantExtension)]
        {
            assert_eq!(take(&closed, party, &step, today), Err(OrderRefusal::Step { state: "closed" }), "{step:?}");
        }
    }

    #[test]
    fn an_order_is_overdue_past_its_due_day_and_a_late_reply_counts_late() {
        let order = issued();
        assert!(!is_overdue(&order, day("2026-12-10")), "due today is not overdue yet");
        assert!(is_overdue(&order, day("2026-12-11")));
        let replied = take(&order, Party::Venue, &reply(), day("2026-12-12")).unwrap();
        assert!(is_overdue(&replied, day("2026-12-12")), "waiting for verification past the due day");
        let closed = take(&replied, Party::Inspector, &Step::Accept, day("2026-12-13")).unwrap();
        assert_eq!(closed_on_time(&closed), Some(false));
        assert_eq!(closed_on_time(&order), None);
    }

    #[test]
    fn more_time_is_asked_before_the_due_day_with_a_reason_at_most_twice() {
        let order = issued();
        let ask = |until: &str, reason: &str| Step::AskExtension { until: day(until), reason: reason.into() };
        let today = day("2026-12-05");
        assert_eq!(
            take(&order, Party::Venue, &ask("2026-12-20", " "), today),
            Err(OrderRefusal::ReasonNeeded("an extension"))
        );
        assert_eq!(
            take(&order, Party::Venue, &ask("2026-12-09", "设备未到货"), today),
            Err(OrderRefusal::ExtensionNotLonger)
        );
        assert_eq!(
            take(&order, Party::Venue, &ask("2026-12-20", "设备未到货"), day("2026-12-11")),
            Err(OrderRefusal::ExtensionTooLate)
        );
        let asked = take(&order, Party::Venue, &ask("2026-12-20", "设备未到货"), today).unwrap();
        assert_eq!((asked.state, asked.asked_until), (OrderState::ExtensionAsked, Some(day("2026-12-20"))));
        assert_eq!(take(&asked, Party::Venue, &reply(), today), Err(OrderRefusal::Step { state: "extension_asked" }));
        // Refused: the due day stays; granted: it moves.
        let refused =
            take(&asked, Party::Inspector, &Step::RefuseExtension { reason: "可先临时封堵".into() }, today).unwrap();
        assert_eq!((refused.state, refused.due, refused.extensions), (OrderState::Issued, day("2026-12-10"), 0));
        let granted = take(&asked, Party::Inspector, &Step::GrantExtension, today).unwrap();
        assert_eq!((granted.state, granted.due, granted.extensions), (OrderState::Issued, day("2026-12-20"), 1));
        assert!(!is_overdue(&granted, day("2026-12-15")), "not overdue within the extension");
        let twice = take(
            &take(&granted, Party::Venue, &ask("2026-12-30", "施工延期"), day("2026-12-18")).unwrap(),
            Party::Inspector,
            &Step::GrantExtension,
            day("2026-12-18"),
        )
        .unwrap();
        assert_eq!(twice.extensions, 2);
        assert_eq!(
            take(&twice, Party::Venue, &ask("2027-01-10", "再延期"), day("2026-12-28")),
            Err(OrderRefusal::TooManyExtensions)
        );
    }

    #[test]
    fn the_public_standing_follows_the_order() {
        let order = issued();
        assert_eq!(standing(&order, day("2026-12-10")), Standing::Open { due: day("2026-12-10") });
        assert_eq!(standing(&order, day("2026-12-11")), Standing::Overdue { due: day("2026-12-10") });
        let replied = take(&order, Party::Venue, &reply(), day("2026-12-12")).unwrap();
        let closed = take(&replied, Party::Inspector, &Step::Accept, day("2026-12-13")).unwrap();
        assert_eq!(standing(&closed, day("2027-01-01")), Standing::Rectified { on: day("2026-12-13"), on_time: false });
        assert_eq!(notice_number("坪山街道监管所", 2026, 12), "坪山街道监管所 整改〔2026〕第0012号");
    }

    #[test]
    fn each_step_knows_its_party_and_note() {
        let ask = Step::AskExtension { until: day("2026-12-20"), reason: "设备未到货".into() };
        assert_eq!((ask.code(), ask.party(), ask.note()), ("ask_extension", Party::Venue, Some("设备未到货")));
        assert_eq!(
            (Step::Accept.code(), Step::Accept.party(), Step::Accept.note()),
            ("accept", Party::Inspector, None)
        );
    }

    #[test]
    fn states_read_back_from_their_codes() {
        for state in OrderState::ALL {
            assert_eq!(OrderState::from_code(state.code()), Some(state));
        }
    }
}
