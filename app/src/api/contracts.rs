//! The purchased-service contract (`/console/contracts`, `/api/v1/contracts`): what the
//! supplier promised and, per quarter, what it earned, missed, owes and what the programme
//! paid per online camera-day and per connected venue. Money in fen. Rules:
//! `mingchu_domain::contract`; definitions: `docs/design/kpis.md`.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One quarter (or the part of it inside the contract, up to today) settled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuarterSettlement {
    /// `YYYY-Qn`.
    pub name: String,
    pub from: String,
    pub to: String,
    /// Days with checks, their mean daily online rate and how many met the threshold.
    pub days: u32,
    pub mean_daily_rate: Option<f64>,
    pub days_meeting: u32,
    pub venue_days: u64,
    pub camera_days: u64,
    pub camera_days_meeting: u64,
    /// Counted venues connected on average over the quarter.
    pub mean_venues: Option<f64>,
    /// The quarter's mean daily rate was below the threshold.
    pub rate_missed: bool,
    /// Camera-days below the threshold.
    pub camera_days_below: u64,
    pub fee_fen: i64,
    pub deduction_fen: i64,
    pub payable_fen: i64,
    pub per_online_camera_day_fen: Option<f64>,
    pub per_connected_venue_fen: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContractView {
    pub id: i64,
    pub supplier: String,
    pub reference: String,
    pub starts_on: String,
    pub ends_on: String,
    /// `venue` or `camera`: what the yearly price is per.
    pub price_basis: String,
    pub price_fen: i64,
    pub threshold: f64,
    /// `quarter_fixed`, `quarter_share` or `camera_day`.
    pub penalty: String,
    /// Fen, or per mille of the quarter's fee for `quarter_share`.
    pub penalty_amount: i64,
    pub recorded_at: String,
    pub recorded_by: Option<String>,
    /// In force today.
    pub in_force: bool,
    pub quarters: Vec<QuarterSettlement>,
    pub quarters_missed: u32,
    pub fee_fen: i64,
    pub deduction_fen: i64,
    pub payable_fen: i64,
    pub per_online_camera_day_fen: Option<f64>,
}

/// The contracts page: every contract settled to `as_of`, and whether the reader may record
/// or remove one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contracts {
    pub as_of: String,
    pub contracts: Vec<ContractView>,
    pub may_record: bool,
}

/// A contract form sent back: what was wrong and what was typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContractEcho {
    pub problem: String,
    pub fields: Vec<(String, String)>,
}

impl ContractEcho {
    pub fn get(&self, name: &str) -> String {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }
}

/// Yuan from fen, with thousands separated: `12,345.67`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let whole = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", fen % 100)
}

#[server(endpoint = "console_contracts", input = leptos::server_fn::codec::Json)]
pub async fn get_contracts() -> Result<Contracts, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.contracts(&user.actor).await)
}

#[cfg(test)]
mod tests {
    #[test]
    fn yuan_are_grouped_by_thousands() {
        assert_eq!(super::yuan(0), "0.00");
        assert_eq!(super::yuan(5), "0.05");
        assert_eq!(super::yuan(123_456_789), "1,234,567.89");
        assert_eq!(super::yuan(-100_000), "-1,000.00");
    }
}
