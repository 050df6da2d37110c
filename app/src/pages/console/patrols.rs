//! `/console/patrols`: patrols (巡查). The office's tasks with their progress, a month's plan
//! generated from risk levels, a task by filter or by list; one task's visits with each
//! inspector's share; and one visit, usable on a tablet or a phone: remote, it shows the
//! venue's cameras live with a button keeping the current frame as evidence; on site, the
//! checklist for the venue's kind and photos; then the result and on to the next venue.

use super::{shown, ConsoleNav, CsrfField};
use crate::api::{
    get_patrol_list, get_patrol_task, get_patrol_visit, PatrolEcho, PatrolList, PatrolTaskRow, PatrolTaskView,
    PatrolVisitView,
};
use crate::components::LivePlayer;
use crate::domain::{CameraId, VenueKind, ViolationCategory};
use crate::i18n::{use_lang, Lang};
use crate::pages::complaints::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn mode_name(lang: Lang, mode: &str) -> &'static str {
    match mode {
        "onsite" => t(lang, "现场巡查", "On site"),
        _ => t(lang, "远程巡查", "Remote"),
    }
}

fn result_name(lang: Lang, result: Option<&str>) -> &'static str {
    match result {
        Some("no_problem") => t(lang, "未发现问题", "No problem"),
        Some("problems") => t(lang, "发现问题", "Problems found"),
        _ => t(lang, "待巡查", "To do"),
    }
}

/// A risk reason in words.
fn reason_text(lang: Lang, code: &str, count: u32) -> String {
    let kind = |k: VenueKind| match (lang, k) {
        (Lang::Zh, VenueKind::SchoolCanteen) => "学校食堂",
        (Lang::Zh, VenueKind::ElderlyMealPoint) => "老年助餐点",
        (Lang::Zh, VenueKind::CentralKitchen) => "中央厨房",
        (Lang::Zh, VenueKind::Restaurant) => "餐馆",
        (Lang::Zh, VenueKind::Other) => "其他",
        (Lang::En, VenueKind::SchoolCanteen) => "school canteen",
        (Lang::En, VenueKind::ElderlyMealPoint) => "elderly meal point",
        (Lang::En, VenueKind::CentralKitchen) => "central kitchen",
        (Lang::En, VenueKind::Restaurant) => "restaurant",
        (Lang::En, VenueKind::Other) => "other",
    };
    if let Some(k) = code.strip_prefix("kind:").and_then(VenueKind::from_code) {
        return match lang {
            Lang::Zh => format!("业态：{}", kind(k)),
            Lang::En => format!("Kind: {}", kind(k)),
        };
    }
    let text = match (lang, code) {
        (Lang::Zh, "items:cold") => "经营冷食类",
        (Lang::Zh, "items:raw") => "经营生食类",
        (Lang::Zh, "items:decorated_cakes") => "经营裱花蛋糕",
        (Lang::Zh, "items:meal_delivery") => "集体用餐配送",
        (Lang::Zh, "grade:fair") => "动态等级：一般",
        (Lang::Zh, "grade:good") => "动态等级：良好",
        (Lang::Zh, "grade:none") => "尚未评定动态等级",
        (Lang::En, "items:cold") => "Makes cold dishes",
        (Lang::En, "items:raw") => "Makes raw food",
        (Lang::En, "items:decorated_cakes") => "Makes decorated cakes",
        (Lang::En, "items:meal_delivery") => "Delivers group meals",
        (Lang::En, "grade:fair") => "Dynamic grade: fair",
        (Lang::En, "grade:good") => "Dynamic grade: good",
        (Lang::En, "grade:none") => "Not graded yet",
        _ => "",
    };
    if !text.is_empty() {
        return text.to_string();
    }
    match (lang, code) {
        (Lang::Zh, "captures") => format!("近一年确认抓拍{count}次"),
        (Lang::Zh, "violations") => format!("近一年检查发现问题{count}项"),
        (Lang::Zh, "complaints") => format!("近一年受理投诉{count}件"),
        (Lang::Zh, "overdue_orders") => format!("逾期未整改{count}件"),
        (Lang::Zh, "late_orders") => format!("近一年逾期完成整改{count}件"),
        (Lang::En, "captures") => format!("{count} confirmed captures in the last year"),
        (Lang::En, "violations") => format!("{count} violations found in the last year"),
        (Lang::En, "complaints") => format!("{count} complaints accepted in the last year"),
        (Lang::En, "overdue_orders") => format!("{count} orders overdue"),
        (Lang::En, "late_orders") => format!("{count} orders closed late in the last year"),
        _ => code.to_string(),
    }
}

fn problem_view(lang: Lang, err: crate::error::AppError) -> AnyView {
    use crate::error::AppError;
    let text = match err {
        AppError::NotFound => t(lang, "没有这项巡查。", "There is no such patrol."),
        AppError::Forbidden(_) => {
            t(lang, "只有监管人员可以巡查，且只在其管辖范围内。", "Patrols are for inspectors, within what they cover.")
        }
        _ => t(lang, "暂时无法读取，请稍后再试。", "It cannot be read just now; try again shortly."),
    };
    view! { <p class="error" role="alert">{text}</p> }.into_any()
}

fn echo_view() -> Option<AnyView> {
    let echo = use_context::<PatrolEcho>()?;
    Some(view! { <p class="error" role="alert">{echo.problem}</p> }.into_any())
}

#[component]
pub fn PatrolListPage() -> impl IntoView {
    let lang = use_lang();
    let list = Resource::new_blocking(|| (), |_| get_patrol_list());
    view! {
        <Title text=t(lang, "巡查", "Patrols")/>
        <article class="console">
            <ConsoleNav current="patrols"/>
            <h1>{t(lang, "巡查", "Patrols")}</h1>
            {echo_view()}
            <Suspense fallback=|| ()>
                {move || list.get().map(|list| match list {
                    Ok(list) => view! { <PatrolListView list lang/> }.into_any(),
                    Err(e) => problem_view(lang, e),
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn TaskTable(tasks: Vec<PatrolTaskRow>, lang: Lang) -> impl IntoView {
    view! {
        <table class="console-sessions patrol-tasks">
            <thead><tr>
                <th scope="col">{t(lang, "任务", "Task")}</th>
                <th scope="col">{t(lang, "方式", "How")}</th>
                <th scope="col">{t(lang, "时间", "When")}</th>
                <th scope="col">{t(lang, "进度", "Done")}</th>
                <th scope="col">{t(lang, "发现问题", "With problems")}</th>
            </tr></thead>
            <tbody>
                {tasks.into_iter().map(|task| view! {
                    <tr data-task=task.id>
                        <td><a href=format!("/console/patrols/{}", task.id)>{task.title.clone()}</a>
                            {task.office.clone().map(|o| view! { <br/><small>{o}</small> })}</td>
                        <td>{mode_name(lang, &task.mode)}</td>
                        <td>{task.starts_on.clone()}" – "{task.ends_on.clone()}</td>
                        <td data-progress=format!("{}/{}", task.done, task.visits)>{task.done}" / "{task.visits}</td>
                        <td>{task.problems}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn PatrolListView(list: PatrolList, lang: Lang) -> impl IntoView {
    let office_select = (list.offices.len() > 1).then(|| {
        let offices = list.offices.clone();
        move || view! {
            <label for="pl-office">{t(lang, "监管所", "Office")}</label>
            <select name="office" id="pl-office">
                {offices.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
            </select>
        }
    });
    let inspectors = list.inspectors.clone();
    let inspector_boxes = move || {
        view! {
            <fieldset>
                <legend>{t(lang, "分配给", "Assign to")}</legend>
                {inspectors.iter().map(|(id, name)| view! {
                    <label class="check"><input type="checkbox" name="inspector" value=id.to_string() checked=true/>{name.clone()}</label>
                }).collect_view()}
            </fieldset>
        }
    };
    let mode_select = move |id: &'static str| {
        view! {
            <label for=id>{t(lang, "方式", "How")}</label>
            <select name="mode" id=id>
                <option value="remote">{mode_name(lang, "remote")}</option>
                <option value="onsite">{mode_name(lang, "onsite")}</option>
            </select>
        }
    };
    view! {
        <section class="card">
            <h2>{t(lang, "风险等级分布", "Venues by risk level")}</h2>
            <ul class="risk-levels">
                {list.levels.iter().map(|(level, n)| view! {
                    <li data-level=level.clone()><strong>{level.clone()}</strong>" "{*n}</li>
                }).collect_view()}
            </ul>
            <p data-coverage=format!("{}/{}", list.visited_30d, list.venues)>{match lang {
                Lang::Zh => format!("近30日已巡查 {} / {} 家营业中的单位", list.visited_30d, list.venues),
                Lang::En => format!("{} of {} trading venues visited in the last 30 days", list.visited_30d, list.venues),
            }}</p>
            <p><small>{t(lang, "A 级风险最低，D 级最高；风险越高，巡查越频繁（每年 A 1次、B 2次、C 3次、D 4次）。", "A is the lowest risk, D the highest; the higher, the more often visited (a year: A once, B twice, C 3, D 4 times).")}</small></p>
        </section>
        {if list.tasks.is_empty() {
            view! { <p class="desk-empty">{t(lang, "还没有巡查任务。", "No patrol tasks yet.")}</p> }.into_any()
        } else {
            view! { <TaskTable tasks=list.tasks.clone() lang/> }.into_any()
        }}
        <section class="card">
            <h2>{t(lang, "按风险等级生成月度巡查计划", "A month's plan from risk levels")}</h2>
            <form class="account-form" method="post" action="/console/patrols/plan">
                <CsrfField/>
                {office_select.clone().map(|f| f())}
                <label for="pl-month">{t(lang, "月份", "Month")}</label>
                <input id="pl-month" name="month" type="month" value=list.month.clone() required/>
                {mode_select("pl-mode")}
                {inspector_boxes.clone()}
                <button class="primary" type="submit">{t(lang, "生成计划", "Make the plan")}</button>
            </form>
        </section>
        <section class="card">
            <h2>{t(lang, "新建巡查任务", "A new patrol task")}</h2>
            <form class="account-form" method="post" action="/console/patrols/new">
                <CsrfField/>
                {office_select.map(|f| f())}
                <label for="pn-title">{t(lang, "任务名称", "Title")}</label>
                <input id="pn-title" name="title" maxlength="100" required/>
                {mode_select("pn-mode")}
                <label for="pn-start">{t(lang, "开始", "From")}</label>
                <input id="pn-start" name="starts_on" type="date" value=list.today.clone() required/>
                <label for="pn-end">{t(lang, "结束", "To")}</label>
                <input id="pn-end" name="ends_on" type="date" value=list.today.clone() required/>
                <fieldset>
                    <legend>{t(lang, "选择单位（按条件）", "Which venues (by filter)")}</legend>
                    <label for="pn-jurisdiction">{t(lang, "辖区", "Jurisdiction")}</label>
                    <select id="pn-jurisdiction" name="jurisdiction">
                        <option value="">{t(lang, "全部", "All")}</option>
                        {list.jurisdictions.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                    </select>
                    <label for="pn-kind">{t(lang, "业态", "Kind")}</label>
                    <select id="pn-kind" name="kind">
                        <option value="">{t(lang, "全部", "All")}</option>
                        <option value="school_canteen">{t(lang, "学校食堂", "School canteens")}</option>
                        <option value="elderly_meal_point">{t(lang, "老年助餐点", "Elderly meal points")}</option>
                        <option value="central_kitchen">{t(lang, "中央厨房", "Central kitchens")}</option>
                        <option value="restaurant">{t(lang, "餐馆", "Restaurants")}</option>
                    </select>
                    <label for="pn-level">{t(lang, "风险等级不低于", "Risk level at least")}</label>
                    <select id="pn-level" name="level">
                        <option value="">{t(lang, "全部", "All")}</option>
                        {["B", "C", "D"].into_iter().map(|l| view! { <option value=l>{l}</option> }).collect_view()}
                    </select>
                    <label for="pn-days">{t(lang, "超过多少天未巡查", "Not visited for days")}</label>
                    <input id="pn-days" name="not_visited_days" type="number" min="1" inputmode="numeric"/>
                    <label class="check"><input type="checkbox" name="open_orders" value="1"/>{t(lang, "有未完成的整改", "Has open orders")}</label>
                </fieldset>
                <label for="pn-venues">{t(lang, "或按单位编号（逗号分隔）", "Or by venue numbers (comma-separated)")}</label>
                <input id="pn-venues" name="venues" inputmode="numeric"/>
                {inspector_boxes}
                <button class="primary" type="submit">{t(lang, "新建任务", "Create the task")}</button>
            </form>
        </section>
    }
}

#[component]
pub fn PatrolTaskPage() -> impl IntoView {
    let lang = use_lang();
    let id = use_params_map().with_untracked(|p| p.get("id")).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let task = Resource::new_blocking(move || id, get_patrol_task);
    view! {
        <Title text=t(lang, "巡查任务", "Patrol task")/>
        <article class="console">
            <ConsoleNav current="patrols"/>
            <Suspense fallback=|| ()>
                {move || task.get().map(|task| match task {
                    Ok(view) => view! { <TaskView view lang/> }.into_any(),
                    Err(e) => problem_view(lang, e),
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn TaskView(view: PatrolTaskView, lang: Lang) -> impl IntoView {
    let task = view.task.clone();
    let first = view.visits.iter().find(|v| v.done_at.is_none()).map(|v| v.id);
    view! {
        <h1>{task.title.clone()}</h1>
        <p>{mode_name(lang, &task.mode)}" · "{task.starts_on.clone()}" – "{task.ends_on.clone()}
            " · "{t(lang, "完成 ", "Done ")}<span data-progress=format!("{}/{}", task.done, task.visits)>{task.done}" / "{task.visits}</span></p>
        {first.map(|id| view! {
            <p><a class="button primary" href=format!("/console/patrols/visits/{id}")>{t(lang, "开始巡查", "Start")}</a></p>
        })}
        <section class="card">
            <h2>{t(lang, "人员进度", "Progress per inspector")}</h2>
            <table class="console-sessions">
                <thead><tr>
                    <th scope="col">{t(lang, "监管人员", "Inspector")}</th>
                    <th scope="col">{t(lang, "已完成 / 计划", "Done / planned")}</th>
                </tr></thead>
                <tbody>
                    {view.progress.iter().map(|(name, planned, done)| view! {
                        <tr><td>{if name.is_empty() { t(lang, "未分配", "Nobody").to_string() } else { name.clone() }}</td>
                            <td>{*done}" / "{*planned}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <table class="console-sessions patrol-visits">
            <thead><tr>
                <th scope="col">{t(lang, "单位", "Venue")}</th>
                <th scope="col">{t(lang, "风险", "Risk")}</th>
                <th scope="col">{t(lang, "计划日期", "Planned")}</th>
                <th scope="col">{t(lang, "监管人员", "Inspector")}</th>
                <th scope="col">{t(lang, "结果", "Result")}</th>
            </tr></thead>
            <tbody>
                {view.visits.into_iter().map(|v| view! {
                    <tr data-visit=v.id data-result=v.result.clone().unwrap_or_default()>
                        <td><a href=format!("/console/patrols/visits/{}", v.id)>{v.venue.clone()}</a></td>
                        <td>{v.level.clone().unwrap_or_default()}</td>
                        <td>{v.planned_on.clone()}</td>
                        <td>{v.inspector.clone().unwrap_or_default()}</td>
                        <td>{result_name(lang, v.result.as_deref())}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn PatrolVisitPage() -> impl IntoView {
    let lang = use_lang();
    let id = use_params_map().with_untracked(|p| p.get("id")).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let done = use_query_map().with_untracked(|q| q.get("done"));
    let visit = Resource::new_blocking(move || id, get_patrol_visit);
    view! {
        <Title text=t(lang, "巡查", "Patrol visit")/>
        <article class="console patrol-visit">
            <ConsoleNav current="patrols"/>
            {done.map(|_| view! { <p class="success" role="status">{t(lang, "上一家的巡查结果已保存。", "The last visit's result is saved.")}</p> })}
            {echo_view()}
            <Suspense fallback=|| ()>
                {move || visit.get().map(|visit| match visit {
                    Ok(v) => view! { <VisitView v lang/> }.into_any(),
                    Err(e) => problem_view(lang, e),
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn VisitView(v: PatrolVisitView, lang: Lang) -> impl IntoView {
    let id = v.id;
    let open = v.result.is_none();
    let remote = v.mode == "remote";
    let evidence = v.evidence.clone();
    view! {
        <p><a href=format!("/console/patrols/{}", v.task_id)>{v.task.clone()}</a>" · "{mode_name(lang, &v.mode)}</p>
        <h1>{v.venue.clone()}</h1>
        <p>{v.address.clone()}" · "<a href=format!("/console/venues/{}", v.venue_id)>{t(lang, "单位详情", "Venue desk")}</a></p>
        {v.risk.clone().map(|risk| view! { <RiskCard risk lang/> })}
        {remote.then(|| view! {
            <section class="card" id="cameras">
                <h2>{t(lang, "实时画面", "Live")}</h2>
                {v.cameras.iter().map(|(camera, name, area, public)| {
                    let camera = *camera;
                    view! {
                        <div class="patrol-camera" data-camera=camera>
                            {if *public {
                                view! { <LivePlayer camera=CameraId(camera) name=name.clone() area=area.clone()/> }.into_any()
                            } else {
                                view! { <p>{name.clone()}" · "{t(lang, "不公开的摄像头：抓取画面查看", "A private camera: capture a frame to see it")}</p> }.into_any()
                            }}
                            {open.then(|| view! {
                                <form method="post" action=format!("/console/patrols/visits/{id}/capture")>
                                    <CsrfField/>
                                    <input type="hidden" name="camera" value=camera.to_string()/>
                                    <button type="submit">{t(lang, "抓取当前画面取证", "Keep this frame as evidence")}</button>
                                </form>
                            })}
                        </div>
                    }
                }).collect_view()}
            </section>
        })}
        {(!remote && open).then(|| view! {
            <section class="card">
                <h2>{t(lang, "现场照片", "Photos")}</h2>
                <form class="account-form" method="post" action=format!("/console/patrols/visits/{id}/photos") enctype="multipart/form-data">
                    <CsrfField/>
                    <label for="pv-photos">{t(lang, "拍照上传（最多5张）", "Take or choose photos (up to 5)")}</label>
                    <input id="pv-photos" name="photos" type="file" accept="image/jpeg,image/png,image/webp" capture="environment" multiple=true/>
                    <button type="submit">{t(lang, "上传照片", "Send the photos")}</button>
                </form>
            </section>
        })}
        <section class="card" id="evidence">
            <h2>{t(lang, "取证", "Evidence")}</h2>
            {if evidence.is_empty() {
                view! { <p>{t(lang, "还没有取证。", "No evidence yet.")}</p> }.into_any()
            } else {
                view! {
                    <ul class="complaint-photos">
                        {evidence.iter().map(|(eid, url, camera, at)| view! {
                            <li data-evidence=*eid><a href=url.clone()><img src=url.clone() width="160" height="90" loading="lazy"
                                alt=match lang { Lang::Zh => format!("取证 #{eid}"), Lang::En => format!("Evidence #{eid}") }/></a>
                                <br/><small>{camera.clone().unwrap_or_else(|| t(lang, "现场照片", "Photo").to_string())}" · "{shown(at)}</small></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {if open {
            view! { <ResultForm v=v.clone() lang/> }.into_any()
        } else {
            view! {
                <section class="card">
                    <h2>{t(lang, "巡查结果", "Result")}</h2>
                    <p data-result=v.result.clone().unwrap_or_default()><strong>{result_name(lang, v.result.as_deref())}</strong>
                        {v.done_by.clone().map(|b| view! { " · "{b} })}
                        {v.done_at.clone().map(|at| view! { " · "{shown(&at)} })}</p>
                    {v.note.clone().map(|n| view! { <p>{n}</p> })}
                    <ul>
                        {v.violations.iter().map(|(vid, category, description)| view! {
                            <li data-violation=*vid>{super::category_text(lang, category)}" · "{description.clone()}</li>
                        }).collect_view()}
                    </ul>
                    {(!v.violations.is_empty()).then(|| view! {
                        <p><a class="button" href=format!("/console/orders/new?venue={}", v.venue_id)>{t(lang, "下达整改通知", "Issue a rectification order")}</a></p>
                    })}
                </section>
            }.into_any()
        }}
        {v.next_visit.map(|next| view! {
            <p><a class="button" href=format!("/console/patrols/visits/{next}")>{t(lang, "下一家", "Next venue")}</a></p>
        })}
    }
}

/// A venue's risk level with the reasons for its points.
#[component]
pub(crate) fn RiskCard(risk: crate::api::RiskView, lang: Lang) -> impl IntoView {
    let crate::api::RiskView { level, score, reasons } = risk;
    view! {
        <section class="card risk">
            <h2>{t(lang, "风险等级 ", "Risk level ")}<span data-risk=level.clone()>{level.clone()}</span>
                <small>{match lang { Lang::Zh => format!("（{score}分）"), Lang::En => format!(" ({score} points)") }}</small></h2>
            <ul>
                {reasons.into_iter().map(|(code, count, points)| view! {
                    <li>{reason_text(lang, &code, count)}" +"{points}</li>
                }).collect_view()}
            </ul>
            <p><small>{t(lang, "静态（业态、经营项目）最高40分，动态（近一年记录）最高60分；A ≤30，B ≤45，C ≤60，D >60。", "Static (kind, what is made) up to 40 points, dynamic (the last year's record) up to 60; A ≤30, B ≤45, C ≤60, D >60.")}</small></p>
        </section>
    }
}

#[component]
fn ResultForm(v: PatrolVisitView, lang: Lang) -> impl IntoView {
    let id = v.id;
    view! {
        <section class="card">
            <h2>{t(lang, "记录巡查结果", "Record the result")}</h2>
            <form class="account-form" method="post" action=format!("/console/patrols/visits/{id}/result")>
                <CsrfField/>
                {(!v.checklist.is_empty()).then(|| view! {
                    <fieldset class="checklist">
                        <legend>{t(lang, "检查表", "Checklist")}</legend>
                        <p><small>{t(lang, "逐项检查，不合格的勾选。", "Tick the items that fail.")}</small></p>
                        {v.checklist.iter().map(|item| view! {
                            <label class="check"><input type="checkbox" name="fail" value=item.code.clone()/>{item.label.clone()}</label>
                        }).collect_view()}
                    </fieldset>
                })}
                <label for="pr-category">{t(lang, "发现的问题类别", "Problem category")}</label>
                <select id="pr-category" name="category">
                    {ViolationCategory::ALL.iter().map(|c| view! { <option value=c.code()>{super::category_text(lang, c.code())}</option> }).collect_view()}
                </select>
                <label for="pr-problem">{t(lang, "问题描述（发现问题时填写）", "What was found (when there are problems)")}</label>
                <textarea id="pr-problem" name="problem" rows="3" maxlength="2000"></textarea>
                {(!v.evidence.is_empty()).then(|| view! {
                    <label for="pr-evidence">{t(lang, "对应的取证图片", "Its evidence picture")}</label>
                    <select id="pr-evidence" name="evidence">
                        <option value="">{t(lang, "无", "None")}</option>
                        {v.evidence.iter().map(|(eid, _, camera, at)| view! {
                            <option value=eid.to_string()>"#"{*eid}" "{camera.clone().unwrap_or_default()}" "{shown(at)}</option>
                        }).collect_view()}
                    </select>
                })}
                <label class="check"><input type="checkbox" name="evidence_public" value="1" checked=true/>{t(lang, "在单位公示页面展示取证图片", "Show the evidence picture on the venue's public page")}</label>
                <label for="pr-note">{t(lang, "备注", "Note")}</label>
                <textarea id="pr-note" name="note" rows="2" maxlength="2000"></textarea>
                <div class="desk-decide">
                    <button class="primary" type="submit" name="outcome" value="no_problem">{t(lang, "未发现问题", "No problem")}</button>
                    <button type="submit" name="outcome" value="problems">{t(lang, "发现问题", "Problems found")}</button>
                </div>
            </form>
        </section>
    }
}
