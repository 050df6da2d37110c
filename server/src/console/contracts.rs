//! The service contracts' data for the console and the API: each contract settled quarter by
//! quarter up to today (mingchu_domain::contract) on the programme's counted days, for readers
//! who may see the programme's figures; administrators may record and remove them.

use super::{unavailable, ConsoleData};
use app::api::{ContractView, Contracts, QuarterSettlement};
use app::error::AppError;
use chrono::{DateTime, Utc};
use mingchu_domain::access::{decide, Action, Actor, Object};
use mingchu_domain::china_time;
use mingchu_domain::contract::{self, Missed};

impl ConsoleData {
    pub async fn contracts_as_of(&self, actor: &Actor, now: DateTime<Utc>) -> Result<Contracts, AppError> {
        decide(actor, Action::ViewFigures, &Object::Programme).map_err(|r| AppError::Forbidden(r.to_string()))?;
        let today = china_time::day(now);
        let mut contracts = Vec::new();
        for record in self.db.contracts().await.map_err(unavailable)? {
            let c = &record.contract;
            let mut quarters = Vec::new();
            for (name, part) in contract::quarters(c, today) {
                let used = self.db.contract_use(part).await.map_err(unavailable)?;
                let s = contract::settle(c, part, &used);
                let below = s.missed.iter().find_map(|m| match m {
                    Missed::CameraDays { count } => Some(*count),
                    _ => None,
                });
                quarters.push(QuarterSettlement {
                    name,
                    from: part.from.to_string(),
                    to: part.to.to_string(),
                    days: s.days,
                    mean_daily_rate: s.mean_daily_rate,
                    days_meeting: s.days_meeting,
                    venue_days: s.venue_days,
                    camera_days: s.camera_days,
                    camera_days_meeting: s.camera_days_meeting,
                    mean_venues: s.mean_venues,
                    rate_missed: s.missed.iter().any(|m| matches!(m, Missed::QuarterRate { .. })),
                    camera_days_below: below.unwrap_or(0),
                    fee_fen: s.fee_fen,
                    deduction_fen: s.deduction_fen,
                    payable_fen: s.payable_fen,
                    per_online_camera_day_fen: s.per_online_camera_day_fen,
                    per_connected_venue_fen: s.per_connected_venue_fen,
                });
            }
            let payable_fen: i64 = quarters.iter().map(|q| q.payable_fen).sum();
            let online_days: u64 = quarters.iter().map(|q| q.camera_days_meeting).sum();
            contracts.push(ContractView {
                id: record.id,
                supplier: c.supplier.clone(),
                reference: c.reference.clone(),
                starts_on: c.period.from.to_string(),
                ends_on: c.period.to.to_string(),
                price_basis: c.basis.code().into(),
                price_fen: c.price_fen,
                threshold: c.threshold,
                penalty: c.penalty.code().into(),
                penalty_amount: c.penalty.amount(),
                recorded_at: record.recorded_at.clone(),
                recorded_by: record.recorded_by.clone(),
                in_force: c.period.contains(today),
                quarters_missed: quarters.iter().filter(|q| q.rate_missed).count() as u32,
                fee_fen: quarters.iter().map(|q| q.fee_fen).sum(),
                deduction_fen: quarters.iter().map(|q| q.deduction_fen).sum(),
                payable_fen,
                per_online_camera_day_fen: (online_days > 0).then(|| payable_fen as f64 / online_days as f64),
                quarters,
            });
        }
        Ok(Contracts {
            as_of: today.to_string(),
            contracts,
            may_record: decide(actor, Action::ManageContract, &Object::Programme).is_ok(),
        })
    }
}
