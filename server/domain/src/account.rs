//! Workspace accounts: what a new account must be, and how long a password link lasts.

use crate::access::{OfficeId, Role};
use crate::vocab::VenueId;
use chrono::{DateTime, Duration, Utc};

/// A link to set a password works this long, once.
pub const PASSWORD_LINK_VALID: Duration = Duration::hours(72);

/// An account as it is asked for.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NewAccount {
    pub login: String,
    pub display_name: String,
    #[serde(serialize_with = "role_code")]
    pub role: Role,
    pub office: Option<OfficeId>,
    pub venues: Vec<VenueId>,
}

fn role_code<S: serde::Serializer>(role: &Role, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(role.code())
}

/// Why an account cannot be made as asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AccountProblem {
    #[error("the login must be 3 to 40 lower-case letters, digits, dots, dashes or underscores")]
    Login,
    #[error("the name must be 1 to 60 characters")]
    DisplayName,
    #[error("an inspector needs the supervision office they work for (--office)")]
    InspectorWithoutOffice,
    #[error("only inspectors work for an office")]
    OfficeWithoutInspector,
    #[error("a venue operator needs at least one venue (--venue)")]
    OperatorWithoutVenue,
    #[error("only venue operators are bound to venues")]
    VenueWithoutOperator,
}

impl NewAccount {
    /// Trims the texts and checks the account against its role.
    pub fn checked(mut self) -> Result<NewAccount, AccountProblem> {
        self.login = self.login.trim().to_string();
        self.display_name = self.display_name.trim().to_string();
        let login_ok = (3..=40).contains(&self.login.len())
            && self.login.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if !login_ok {
            return Err(AccountProblem::Login);
        }
        if !(1..=60).contains(&self.display_name.chars().count()) {
            return Err(AccountProblem::DisplayName);
        }
        match (self.role, self.office.is_some(), self.venues.is_empty()) {
            (Role::Inspector, false, _) => return Err(AccountProblem::InspectorWithoutOffice),
            (Role::Administrator | Role::Operator, true, _) => return Err(AccountProblem::OfficeWithoutInspector),
            (Role::Operator, _, true) => return Err(AccountProblem::OperatorWithoutVenue),
            (Role::Administrator | Role::Inspector, _, false) => return Err(AccountProblem::VenueWithoutOperator),
            _ => {}
        }
        self.venues.sort();
        self.venues.dedup();
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(role: Role, office: Option<i64>, venues: &[i64]) -> NewAccount {
        NewAccount {
            login: " wang.fang ".into(),
            display_name: "王芳".into(),
            role,
            office: office.map(OfficeId),
            venues: venues.iter().map(|v| VenueId(*v)).collect(),
        }
    }

    #[test]
    fn each_role_gets_what_binds_it_and_nothing_else() {
        assert_eq!(account(Role::Inspector, Some(1), &[]).checked().unwrap().login, "wang.fang");
        assert_eq!(account(Role::Operator, None, &[3, 2, 3]).checked().unwrap().venues, [VenueId(2), VenueId(3)]);
        assert!(account(Role::Administrator, None, &[]).checked().is_ok());
        assert_eq!(account(Role::Inspector, None, &[]).checked(), Err(AccountProblem::InspectorWithoutOffice));
        assert_eq!(account(Role::Operator, None, &[]).checked(), Err(AccountProblem::OperatorWithoutVenue));
        assert_eq!(account(Role::Operator, Some(1), &[2]).checked(), Err(AccountProblem::OfficeWithoutInspector));
        assert_eq!(account(Role::Inspector, Some(1), &[2]).checked(), Err(AccountProblem::VenueWithoutOperator));
    }

    #[test]
    fn logins_and_names_are_checked() {
        for bad in ["ab", "Wang", "wang fang", "王芳", &"a".repeat(41)] {
            let mut a = account(Role::Administrator, None, &[]);
            a.login = bad.into();
            assert_eq!(a.checked(), Err(AccountProblem::Login), "{bad:?}");
        }
        let mut a = account(Role::Administrator, None, &[]);
        a.display_name = "  ".into();
        assert_eq!(a.checked(), Err(AccountProblem::DisplayName));
    }
}

/// A session ends after this long without use…
pub const SESSION_IDLE: Duration = Duration::hours(8);
/// …and this long after sign-in in any case.
pub const SESSION_MAX: Duration = Duration::days(7);

/// Whether a session started at `created` and last used at `last_seen` is still good `now`.
pub fn session_alive(created: DateTime<Utc>, last_seen: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - last_seen < SESSION_IDLE && now - created < SESSION_MAX
}

/// Failed sign-ins counted over this window…
pub const LOGIN_WINDOW: Duration = Duration::minutes(15);
/// …at most this many for one account…
pub const LOGIN_FAILURES_PER_ACCOUNT: u32 = 5;
/// …and this many from one address (several people may share an office's address).
pub const LOGIN_FAILURES_PER_ADDRESS: u32 = 20;

/// Why a sign-in is not even tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LockedOut {
    #[error("too many failed sign-ins for this account; try again in 15 minutes")]
    Account,
    #[error("too many failed sign-ins from this address; try again in 15 minutes")]
    Address,
}

/// Decides from the failures within [`LOGIN_WINDOW`] whether a sign-in may be tried.
pub fn login_allowed(account_failures: u32, address_failures: u32) -> Result<(), LockedOut> {
    if account_failures >= LOGIN_FAILURES_PER_ACCOUNT {
        Err(LockedOut::Account)
    } else if address_failures >= LOGIN_FAILURES_PER_ADDRESS {
        Err(LockedOut::Address)
    } else {
        Ok(())
    }
}

/// Why a new password is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("the password must be at least 10 characters")]
    TooShort,
    #[error("the password must be at most 200 characters")]
    TooLong,
    #[error("the password must not contain the login")]
    ContainsLogin,
    #[error("the two passwords differ")]
    Mismatch,
}

/// Checks a new password (typed twice) for the account `login`.
pub fn check_password(login: &str, password: &str, again: &str) -> Result<(), PasswordProblem> {
    let length = password.chars().count();
    if length < 10 {
        return Err(PasswordProblem::TooShort);
    }
    if length > 200 {
        return Err(PasswordProblem::TooLong);
    }
    if password.to_lowercase().contains(&login.to_lowercase()) {
        return Err(PasswordProblem::ContainsLogin);
    }
    if password != again {
        return Err(PasswordProblem::Mismatch);
    }
    Ok(())
}

#[cfg(test)]
mod session_tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn sessions_end_when_idle_or_old() {
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
        assert!(session_alive(start, start, start + Duration::hours(7)));
        assert!(!session_alive(start, start, start + Duration::hours(8)), "idle");
        let used = start + Duration::days(6) + Duration::hours(23);
        assert!(session_alive(start, used, used + Duration::minutes(30)));
        assert!(!session_alive(start, used, start + Duration::days(7)), "old, though in use");
    }

    #[test]
    fn sign_ins_are_limited_per_account_and_per_address() {
        assert_eq!(login_allowed(4, 19), Ok(()));
        assert_eq!(login_allowed(5, 0), Err(LockedOut::Account));
        assert_eq!(login_allowed(0, 20), Err(LockedOut::Address));
    }

    #[test]
    fn passwords_are_checked() {
        assert_eq!(check_password("wang", "short", "short"), Err(PasswordProblem::TooShort));
        assert_eq!(check_password("wang", "myWANG-password", "myWANG-password"), Err(PasswordProblem::ContainsLogin));
        assert_eq!(check_password("wang", "厨房明亮干净卫生安全", "厨房明亮干净卫生安全"), Ok(()), "ten characters");
        assert_eq!(check_password("wang", "correct horse", "correct house"), Err(PasswordProblem::Mismatch));
        assert_eq!(check_password("wang", &"x".repeat(201), &"x".repeat(201)), Err(PasswordProblem::TooLong));
    }
}
