//! Values that the two engines return differently, decoded one way: a condition is an
//! integer on SQLite and a boolean on PostgreSQL; a calendar day is ISO text on both.

use chrono::NaiveDate;
use sqlx::any::{Any, AnyTypeInfo, AnyTypeInfoKind, AnyValueRef};
use sqlx::error::BoxDynError;
use sqlx::{Decode, Type, ValueRef as _};

/// A yes/no column or condition: `0`/`1` on SQLite (and in flag columns on both), `boolean`
/// for a condition on PostgreSQL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Flag(pub bool);

impl Type<Any> for Flag {
    fn type_info() -> AnyTypeInfo {
        <i64 as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        ty.kind().is_integer() || ty.kind() == AnyTypeInfoKind::Bool
    }
}

impl<'r> Decode<'r, Any> for Flag {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        if value.type_info().kind() == AnyTypeInfoKind::Bool {
            Ok(Flag(<bool as Decode<Any>>::decode(value)?))
        } else {
            Ok(Flag(<i64 as Decode<Any>>::decode(value)? != 0))
        }
    }
}

/// A calendar day stored as `YYYY-MM-DD` text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Day(pub NaiveDate);

impl Type<Any> for Day {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for Day {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <String as Decode<Any>>::decode(value)?;
        // A day, or the day of a stored time (`YYYY-MM-DDT…`).
        let day = text.get(..10).unwrap_or(&text);
        Ok(Day(NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|e| format!("not a day: {text:?}: {e}"))?))
    }
}
