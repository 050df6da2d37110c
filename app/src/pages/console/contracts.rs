//! `/console/contracts`: the purchased-service contract (购买服务合同) and its settlement per
//! quarter: the fee earned, the obligations missed (the quarter's mean daily online rate
//! below the threshold; camera-days below it), the deduction due, what is payable, and what
//! the programme paid per online camera-day and per connected venue. Administrators record a
//! contract here and remove one recorded by mistake. Figures carry `data-kpi`/`data-value`.

use super::{ConsoleNav, CsrfField};
use crate::api::{get_contracts, yuan, ContractEcho, ContractView, Contracts, QuarterSettlement};
use crate::i18n::{use_lang, Lang};
use crate::pages::complaints::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn percent(r: Option<f64>) -> String {
    r.map(|r| format!("{:.2}%", r * 100.0)).unwrap_or_else(|| "—".into())
}

fn money(fen: Option<f64>) -> String {
    fen.map(|f| yuan(f.round() as i64)).unwrap_or_else(|| "—".into())
}

fn penalty_text(lang: Lang, c: &ContractView) -> String {
    let zh = lang == Lang::Zh;
    match c.penalty.as_str() {
        "quarter_fixed" if zh => format!("季度日均在线率未达标，每季度扣 {} 元", yuan(c.penalty_amount)),
        "quarter_fixed" => {
            format!("{} yuan for each quarter whose mean daily rate misses the threshold", yuan(c.penalty_amount))
        }
        "quarter_share" if zh => format!("季度日均在线率未达标，扣当季服务费的 {}%", c.penalty_amount as f64 / 10.0),
        "quarter_share" => {
            format!("{}% of the quarter's fee for each quarter that misses", c.penalty_amount as f64 / 10.0)
        }
        _ if zh => format!("每个未达标的摄像头日扣 {} 元", yuan(c.penalty_amount)),
        _ => format!("{} yuan for each camera-day below the threshold", yuan(c.penalty_amount)),
    }
}

#[component]
pub fn ContractsPage() -> impl IntoView {
    let lang = use_lang();
    let done = use_query_map().with_untracked(|q| q.get("done"));
    let page = Resource::new_blocking(|| (), |_| get_contracts());
    view! {
        <Title text=t(lang, "服务合同", "Service contract")/>
        <article class="console kpi-page">
            <ConsoleNav current="kpis"/>
            <h1>{t(lang, "服务合同与考核扣款", "Service contract and deductions")}</h1>
            {done.map(|d| {
                let text = if d == "removed" { t(lang, "合同已删除。", "The contract was removed.") } else { t(lang, "合同已登记。", "The contract was recorded.") };
                view! { <p class="success" role="status">{text}</p> }
            })}
            <Suspense fallback=|| ()>
                {move || page.get().map(|page| match page {
                    Ok(page) => view! { <Body page lang/> }.into_any(),
                    Err(crate::error::AppError::Forbidden(_)) => view! {
                        <p class="error" role="alert">{t(lang, "您无权查看服务合同。", "You may not see the service contract.")}</p>
                    }.into_any(),
                    Err(_) => view! {
                        <p class="error" role="alert">{t(lang, "暂时无法计算，请稍后再试。", "It cannot be computed just now; try again shortly.")}</p>
                    }.into_any(),
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn Body(page: Contracts, lang: Lang) -> impl IntoView {
    let Contracts { as_of, contracts, may_record } = page;
    let empty = contracts.is_empty();
    view! {
        <p class="kpi-note">
            {t(lang, "按季度结算至 ", "Settled by quarter up to ")}{as_of}
            {t(lang, "；服务费按计入在线率的单位日或摄像头日计（暂停、停业日不计）。", "; the fee accrues per counted venue-day or camera-day (days suspended or closed are not counted).")}
        </p>
        {empty.then(|| view! { <p class="empty">{t(lang, "尚未登记服务合同；在线率按95%标准考核。", "No contract recorded; the online rate is judged against 95%.")}</p> })}
        {contracts.into_iter().map(|c| view! { <Contract c lang may_record/> }).collect_view()}
        {may_record.then(|| view! { <RecordForm lang/> })}
    }
}

#[component]
fn Contract(c: ContractView, lang: Lang, may_record: bool) -> impl IntoView {
    let zh = lang == Lang::Zh;
    let n = |a: &'static str, b: &'static str| if zh { a } else { b };
    let basis = if c.price_basis == "venue" {
        n("元/单位/年", "yuan per venue per year")
    } else {
        n("元/摄像头/年", "yuan per camera per year")
    };
    let remove = format!("/console/contracts/{}/remove", c.id);
    let penalty = penalty_text(lang, &c);
    let quarters = c.quarters.clone();
    view! {
        <section class="card" data-contract=c.id>
            <h2>
                {c.supplier.clone()}
                {(!c.reference.is_empty()).then(|| format!(" · {}", c.reference))}
                {c.in_force.then(|| view! { <span class="badge">{n("生效中", "In force")}</span> })}
            </h2>
            <dl class="kpi-grid">
                <div class="kpi"><dt>{n("合同期限", "Term")}</dt><dd>{format!("{} — {}", c.starts_on, c.ends_on)}</dd></div>
                <div class="kpi" data-kpi="price_fen" data-value=c.price_fen.to_string()><dt>{n("单价", "Price")}</dt><dd>{format!("{} {basis}", yuan(c.price_fen))}</dd></div>
                <div class="kpi" data-kpi="threshold" data-value=format!("{:.4}", c.threshold)><dt>{n("在线率标准", "Threshold")}</dt><dd>{percent(Some(c.threshold))}</dd></div>
                <div class="kpi"><dt>{n("扣款规则", "Penalty")}</dt><dd>{penalty}</dd></div>
                <div class="kpi" data-kpi="fee_fen" data-value=c.fee_fen.to_string()><dt>{n("应计服务费（元）", "Fee earned (yuan)")}</dt><dd>{yuan(c.fee_fen)}</dd></div>
                <div class="kpi" data-kpi="deduction_fen" data-value=c.deduction_fen.to_string()><dt>{n("应扣款（元）", "Deductions (yuan)")}</dt><dd>{yuan(c.deduction_fen)}</dd></div>
                <div class="kpi" data-kpi="payable_fen" data-value=c.payable_fen.to_string()><dt>{n("应付（元）", "Payable (yuan)")}</dt><dd>{yuan(c.payable_fen)}</dd></div>
                <div class="kpi" data-kpi="quarters_missed" data-value=c.quarters_missed.to_string()><dt>{n("未达标季度", "Quarters missed")}</dt><dd>{c.quarters_missed}</dd></div>
                <div class="kpi"><dt>{n("每个在线摄像头日成本（元）", "Per online camera-day (yuan)")}</dt><dd>{money(c.per_online_camera_day_fen)}</dd></div>
            </dl>
            <QuarterTable quarters lang/>
            <p class="kpi-note">
                {n("登记：", "Recorded: ")}{c.recorded_at.clone()}{c.recorded_by.clone().map(|b| format!(" · {b}"))}
            </p>
            {may_record.then(|| view! {
                <form method="post" action=remove class="inline-form">
                    <CsrfField/>
                    <button type="submit" class="danger">{n("删除（登记有误）", "Remove (recorded by mistake)")}</button>
                </form>
            })}
        </section>
    }
}

#[component]
fn QuarterTable(quarters: Vec<QuarterSettlement>, lang: Lang) -> impl IntoView {
    let zh = lang == Lang::Zh;
    let n = |a: &'static str, b: &'static str| if zh { a } else { b };
    view! {
        <div class="table-scroll">
            <table class="console-sessions kpi-table">
                <thead><tr>
                    <th scope="col">{n("季度", "Quarter")}</th>
                    <th scope="col">{n("日均在线率", "Mean daily rate")}</th>
                    <th scope="col">{n("达标天数", "Days meeting")}</th>
                    <th scope="col">{n("未达标摄像头日", "Camera-days below")}</th>
                    <th scope="col">{n("平均接入单位", "Venues (mean)")}</th>
                    <th scope="col">{n("服务费", "Fee")}</th>
                    <th scope="col">{n("扣款", "Deduction")}</th>
                    <th scope="col">{n("应付", "Payable")}</th>
                    <th scope="col">{n("每在线摄像头日", "Per online camera-day")}</th>
                    <th scope="col">{n("每接入单位", "Per connected venue")}</th>
                </tr></thead>
                <tbody>
                    {quarters.into_iter().map(|q| {
                        let class = if q.rate_missed { "kpi-missed" } else { "" };
                        view! {
                            <tr class=class data-quarter=q.name.clone()>
                                <th scope="row">{q.name.clone()}<br/><small>{format!("{} — {}", q.from, q.to)}</small></th>
                                <td data-kpi="mean_daily_rate" data-value=q.mean_daily_rate.map(|r| format!("{r:.4}")).unwrap_or_default()>
                                    {percent(q.mean_daily_rate)}{q.rate_missed.then_some(if zh { " 未达标" } else { " missed" })}
                                </td>
                                <td>{format!("{}/{}", q.days_meeting, q.days)}</td>
                                <td data-kpi="camera_days_below" data-value=q.camera_days_below.to_string()>{format!("{}/{}", q.camera_days_below, q.camera_days)}</td>
                                <td>{q.mean_venues.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into())}</td>
                                <td data-kpi="fee_fen" data-value=q.fee_fen.to_string()>{yuan(q.fee_fen)}</td>
                                <td data-kpi="deduction_fen" data-value=q.deduction_fen.to_string()>{yuan(q.deduction_fen)}</td>
                                <td data-kpi="payable_fen" data-value=q.payable_fen.to_string()>{yuan(q.payable_fen)}</td>
                                <td>{money(q.per_online_camera_day_fen)}</td>
                                <td>{money(q.per_connected_venue_fen)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn RecordForm(lang: Lang) -> impl IntoView {
    let zh = lang == Lang::Zh;
    let n = |a: &'static str, b: &'static str| if zh { a } else { b };
    let echo = use_context::<ContractEcho>().unwrap_or_default();
    let basis = echo.get("basis");
    let penalty = echo.get("penalty");
    let threshold = if echo.fields.is_empty() { "95".to_string() } else { echo.get("threshold") };
    view! {
        <section class="card">
            <h2>{n("登记服务合同", "Record a service contract")}</h2>
            {(!echo.problem.is_empty()).then(|| view! { <p class="error" role="alert">{echo.problem.clone()}</p> })}
            <form class="account-form" method="post" action="/console/contracts/new">
                <CsrfField/>
                <label for="ct-supplier">{n("服务商", "Supplier")}</label>
                <input id="ct-supplier" name="supplier" maxlength="200" required value=echo.get("supplier")/>
                <label for="ct-reference">{n("合同编号（可选）", "Contract number (optional)")}</label>
                <input id="ct-reference" name="reference" maxlength="100" value=echo.get("reference")/>
                <label for="ct-from">{n("开始日期", "Starts on")}</label>
                <input id="ct-from" name="starts_on" type="date" required value=echo.get("starts_on")/>
                <label for="ct-to">{n("结束日期", "Ends on")}</label>
                <input id="ct-to" name="ends_on" type="date" required value=echo.get("ends_on")/>
                <label for="ct-basis">{n("计价方式", "Price per")}</label>
                <select id="ct-basis" name="basis">
                    <option value="camera" selected=basis != "venue">{n("每摄像头每年", "camera per year")}</option>
                    <option value="venue" selected=basis == "venue">{n("每单位每年", "venue per year")}</option>
                </select>
                <label for="ct-price">{n("单价（元）", "Price (yuan)")}</label>
                <input id="ct-price" name="price" inputmode="decimal" required value=echo.get("price")/>
                <label for="ct-threshold">{n("在线率标准（%）", "Online-rate threshold (%)")}</label>
                <input id="ct-threshold" name="threshold" inputmode="decimal" value=threshold/>
                <label for="ct-penalty">{n("扣款方式", "Penalty")}</label>
                <select id="ct-penalty" name="penalty">
                    <option value="quarter_share" selected=penalty.is_empty() || penalty == "quarter_share">{n("未达标季度扣当季服务费的百分比", "A percentage of the quarter's fee per quarter missed")}</option>
                    <option value="quarter_fixed" selected=penalty == "quarter_fixed">{n("未达标季度扣固定金额（元）", "A fixed sum (yuan) per quarter missed")}</option>
                    <option value="camera_day" selected=penalty == "camera_day">{n("每个未达标摄像头日扣款（元）", "A sum (yuan) per camera-day below the threshold")}</option>
                </select>
                <label for="ct-amount">{n("扣款额（元或%）", "Deduction (yuan or %)")}</label>
                <input id="ct-amount" name="penalty_amount" inputmode="decimal" required value=echo.get("penalty_amount")/>
                <button class="primary" type="submit">{n("登记", "Record")}</button>
            </form>
        </section>
    }
}
