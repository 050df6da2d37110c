//! Workspace accounts: what a new account must be, and how long a password link lasts.

use crate::access::{OfficeId, Role};
use crate::vocab::VenueId;
use chrono::Duration;

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
