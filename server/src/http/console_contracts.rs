//! The service contract forms (`/console/contracts`): an administrator records a contract
//! (refused with the reason and the form again) or removes one recorded by mistake; both are
//! audited. `/api/v1/contracts` serves the contracts settled to today to a token with the
//! `read` scope whose holder may see the programme's figures.

use super::account::{see_other, visitor_of, ConsolePost};
use super::api_auth::api_actor;
use super::error::HttpError;
use crate::accounts::SignedIn;
use crate::db::contracts::ContractError;
use crate::state::AppState;
use app::api::ContractEcho;
use app::error::{AppError, ErrorKind};
use app::i18n::Lang;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use mingchu_domain::access::{decide, Action, Object};
use mingchu_domain::contract::{ContractRefusal, Draft};

/// The form's fields, in the order the page shows them.
const FIELDS: [&str; 9] =
    ["supplier", "reference", "starts_on", "ends_on", "basis", "price", "threshold", "penalty", "penalty_amount"];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/contracts/new", post(record))
        .route("/console/contracts/{id}/remove", post(remove))
        .route("/api/v1/contracts", get(api))
}

fn refusal_text(lang: Lang, refusal: &ContractRefusal) -> (StatusCode, String) {
    use ContractRefusal::*;
    let status = if *refusal == Overlaps { StatusCode::CONFLICT } else { StatusCode::BAD_REQUEST };
    let text = match lang {
        Lang::Zh => match refusal {
            NoSupplier => "请填写服务商名称。",
            TooLong => "服务商名称最多200字，合同编号最多100字。",
            BadDate => "日期格式应为 年-月-日（YYYY-MM-DD）。",
            Backwards => "合同结束日期早于开始日期。",
            TooLongPeriod => "合同期限最长十年。",
            BadBasis => "请选择按单位还是按摄像头计价。",
            BadPrice => "单价应为大于零的金额（元），最多两位小数。",
            BadThreshold => "在线率标准应为大于0、不超过100的百分数。",
            BadPenalty => "请选择未达标季度的扣款方式。",
            BadPenaltyAmount => "扣款应为大于零的金额（元），或不超过100的百分比。",
            Overlaps => "另一份合同已覆盖其中部分日期；任一天只能有一份合同生效。",
        }
        .to_string(),
        Lang::En => {
            let t = refusal.to_string();
            let mut c = t.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str() + ".").unwrap_or_default()
        }
    };
    (status, text)
}

async fn again(
    state: &AppState,
    signed_in: &SignedIn,
    headers: &HeaderMap,
    status: StatusCode,
    echo: ContractEcho,
) -> Response {
    let visitor = visitor_of(state, headers, signed_in);
    let provide = move || leptos::prelude::provide_context(echo.clone());
    super::render::page_again(state, headers, "/console/contracts", status, provide, Some(visitor)).await
}

/// Reads a form of someone who may record contracts.
async fn contract_form(
    state: &AppState,
    request: Request,
) -> Result<(SignedIn, ConsolePost, HeaderMap, String), Response> {
    let (signed_in, form, headers, address) = ConsolePost::read(state, request).await?;
    decide(&signed_in.actor, Action::ManageContract, &Object::Programme)
        .map_err(|r| HttpError::new(ErrorKind::Forbidden, r.to_string()).into_response())?;
    Ok((signed_in, form, headers, address))
}

/// `POST /console/contracts/new`: the fields of [`Draft`].
async fn record(State(state): State<AppState>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match contract_form(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let field = |name: &str| form.value(name).unwrap_or_default();
    let draft = Draft {
        supplier: field("supplier"),
        reference: field("reference"),
        starts_on: field("starts_on"),
        ends_on: field("ends_on"),
        basis: field("basis"),
        price: field("price"),
        threshold: field("threshold"),
        penalty: field("penalty"),
        penalty_amount: field("penalty_amount"),
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.record_contract(&draft, &signed_in.actor, &who, chrono::Utc::now()).await {
        Ok(_) => see_other("/console/contracts?done=recorded"),
        Err(ContractError::Refused(r)) => {
            let (status, problem) = refusal_text(app::i18n::lang_from_cookies(&headers), &r);
            let fields = FIELDS.iter().map(|f| (f.to_string(), field(f).to_string())).collect();
            again(&state, &signed_in, &headers, status, ContractEcho { problem, fields }).await
        }
        Err(ContractError::Db(e)) => HttpError::from(e).into_response(),
    }
}

/// `POST /console/contracts/{id}/remove`.
async fn remove(State(state): State<AppState>, Path(raw): Path<String>, request: Request) -> Response {
    let (signed_in, _, _, address) = match contract_form(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Ok(id) = raw.parse::<i64>() else {
        return HttpError::not_found("there is no such contract").into_response();
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.remove_contract(id, &who, chrono::Utc::now()).await {
        Ok(true) => see_other("/console/contracts?done=removed"),
        Ok(false) => HttpError::not_found("there is no such contract").into_response(),
        Err(e) => HttpError::from(e).into_response(),
    }
}

/// `GET /api/v1/contracts`.
async fn api(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let (actor, _) = match api_actor(&state, &headers).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    match state.console().contracts_as_of(&actor, chrono::Utc::now()).await {
        Ok(contracts) => Json(contracts).into_response(),
        Err(AppError::Forbidden(message)) => HttpError::new(ErrorKind::Forbidden, message).into_response(),
        Err(_) => HttpError::unavailable().into_response(),
    }
}
