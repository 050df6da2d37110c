//! User-interface text in Simplified Chinese (the default) and English.
//!
//! The language comes from the `lang` cookie, set by `GET /lang/{code}`; the server renders in
//! it and marks `<html lang>`, and the browser reads that attribute back when it hydrates, so
//! both sides always agree.

use crate::domain::{
    AnnualGrade, DynamicGrade, InspectionKind, KitchenArea, LicenceValidity, PictureHealth, Severity, VenueKind,
    VenueStatus,
};
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The BCP 47 tag for `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Parses a cookie value or `lang` attribute; unknown values fall back to Chinese.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    /// The language to offer a switch to.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    pub fn tr(self) -> &'static Tr {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }
}

/// Every fixed string of the interface.
pub struct Tr {
    pub site_name: &'static str,
    pub tagline: &'static str,
    pub switch_to: &'static str,
    pub search_label: &'static str,
    pub search_placeholder: &'static str,
    pub search_button: &'static str,
    pub all_kinds: &'static str,
    pub kind_label: &'static str,
    pub all_areas: &'static str,
    pub all_grades: &'static str,
    pub has_camera: &'static str,
    pub near_me: &'static str,
    pub near_me_clear: &'static str,
    pub locating: &'static str,
    pub location_unavailable: &'static str,
    pub distance: &'static str,
    pub results_count: &'static str,
    pub no_results: &'static str,
    pub loading: &'static str,
    pub error_unavailable: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub back_home: &'static str,
    pub cameras: &'static str,
    pub camera_count: &'static str,
    pub licence: &'static str,
    pub licence_number: &'static str,
    pub licence_holder: &'static str,
    pub legal_representative: &'static str,
    pub premises: &'static str,
    pub business_items: &'static str,
    pub issued_on: &'static str,
    pub valid_until: &'static str,
    pub issuing_authority: &'static str,
    pub no_licence: &'static str,
    pub grade: &'static str,
    pub dynamic_grade: &'static str,
    pub annual_grade: &'static str,
    pub annual_history: &'static str,
    pub grade_pending: &'static str,
    pub inspections: &'static str,
    pub no_inspections: &'static str,
    pub no_findings: &'static str,
    pub address: &'static str,
    pub jurisdiction: &'static str,
    pub status: &'static str,
    pub key_venue: &'static str,
    pub venue_facts: &'static str,
    pub connected_on: &'static str,
    pub status_history: &'static str,
    pub public_camera: &'static str,
    pub private_camera: &'static str,
    pub live_connecting: &'static str,
    pub live_playing: &'static str,
    pub live_offline: &'static str,
    pub live_reconnecting: &'static str,
    pub live_unplayable: &'static str,
    pub live_paused: &'static str,
    pub live_via_webrtc: &'static str,
    pub live_via_http: &'static str,
    pub honesty_title: &'static str,
    pub online_now: &'static str,
    pub online_rate_7d: &'static str,
    pub last_seen_live: &'static str,
    pub never_seen_live: &'static str,
    pub not_checked: &'static str,
    pub below_target: &'static str,
    pub honesty_note: &'static str,
    pub venue_reply: &'static str,
    pub programme: &'static str,
    pub programme_title: &'static str,
    pub programme_intro: &'static str,
    pub venues_connected: &'static str,
    pub planned_total: &'static str,
    pub cameras_online: &'static str,
    pub meeting_standard: &'static str,
    pub closed_streaming: &'static str,
    pub daily_rate: &'static str,
    pub day: &'static str,
    pub checks: &'static str,
    pub rate: &'static str,
    pub by_kind: &'static str,
    pub connected: &'static str,
    pub by_status: &'static str,
    pub venues: &'static str,
    pub live_offline_card: &'static str,
    pub screens_installed: &'static str,
    pub screens_online: &'static str,
    pub display_scan: &'static str,
    pub display_not_found: &'static str,
    pub display_no_cameras: &'static str,
}

pub static ZH: Tr = Tr {
    site_name: "明厨",
    tagline: "看得见的后厨",
    switch_to: "English",
    search_label: "搜索餐饮单位",
    search_placeholder: "名称或地址",
    search_button: "搜索",
    all_kinds: "全部类型",
    kind_label: "单位类型",
    all_areas: "全部辖区",
    all_grades: "全部等级",
    has_camera: "有公开摄像头",
    near_me: "离我最近",
    near_me_clear: "取消距离排序",
    locating: "正在获取位置…",
    location_unavailable: "无法获取位置，请检查定位权限。",
    distance: "距离",
    results_count: "家单位",
    no_results: "没有找到符合条件的单位。",
    loading: "加载中…",
    error_unavailable: "服务暂时不可用，请稍后再试。",
    not_found_title: "页面不存在",
    not_found_body: "您要找的页面或单位不存在。",
    back_home: "返回首页",
    cameras: "后厨摄像头",
    camera_count: "摄像头",
    licence: "食品经营许可证",
    licence_number: "许可证编号",
    licence_holder: "经营者名称",
    legal_representative: "法定代表人（负责人）",
    premises: "经营场所",
    business_items: "经营项目",
    issued_on: "发证日期",
    valid_until: "有效期至",
    issuing_authority: "发证机关",
    no_licence: "暂无许可证信息",
    grade: "量化分级",
    dynamic_grade: "动态等级",
    annual_grade: "年度等级",
    annual_history: "历年等级",
    grade_pending: "待评定",
    inspections: "监督检查记录",
    no_inspections: "暂无检查记录",
    no_findings: "未发现问题",
    address: "地址",
    jurisdiction: "所属辖区",
    status: "经营状态",
    key_venue: "重点餐饮单位",
    venue_facts: "单位信息",
    connected_on: "接入日期",
    status_history: "状态记录",
    public_camera: "公开",
    private_camera: "仅监管可见",
    live_connecting: "连接中",
    live_playing: "直播中",
    live_offline: "摄像头离线",
    live_reconnecting: "重新连接中",
    live_unplayable: "浏览器无法播放此编码",
    live_paused: "已暂停",
    live_via_webrtc: "实时连接",
    live_via_http: "兼容模式 · HTTP",
    honesty_title: "直播真实性",
    online_now: "当前在线",
    online_rate_7d: "近7日在线率",
    last_seen_live: "最近直播画面",
    never_seen_live: "尚无直播画面记录",
    not_checked: "尚未检测",
    below_target: "低于95%目标",
    honesty_note: "平台每隔几分钟检测每路摄像头能否播放画面，无论是否有人观看。",
    venue_reply: "商户回复",
    programme: "项目进展",
    programme_title: "互联网+明厨亮灶 项目进展",
    programme_intro: "以下数字由平台实时统计，可核查：接入单位、在线摄像头和在线率。",
    venues_connected: "已接入单位",
    planned_total: "计划接入",
    cameras_online: "摄像头当前在线",
    meeting_standard: "达到每家5路摄像头标准",
    closed_streaming: "已关闭但仍在推流的单位",
    daily_rate: "每日在线率",
    day: "日期",
    checks: "检测次数",
    rate: "在线率",
    by_kind: "按单位类型",
    connected: "已接入",
    by_status: "按经营状态",
    venues: "单位数",
    live_offline_card: "摄像头暂时离线，正在自动重新连接",
    screens_installed: "已安装公示屏的接入单位",
    screens_online: "公示屏当前在线",
    display_scan: "扫码查看评级、检查记录，或投诉",
    display_not_found: "此公示屏地址无效或已停用，请联系监管部门获取新地址。",
    display_no_cameras: "本单位暂无公开摄像头",
};

pub static EN: Tr = Tr {
    site_name: "Mingchu",
    tagline: "Kitchens you can see",
    switch_to: "中文",
    search_label: "Search food businesses",
    search_placeholder: "Name or address",
    search_button: "Search",
    all_kinds: "All types",
    kind_label: "Type",
    all_areas: "All areas",
    all_grades: "All grades",
    has_camera: "Has public cameras",
    near_me: "Near me",
    near_me_clear: "Stop sorting by distance",
    locating: "Finding your location…",
    location_unavailable: "Location unavailable; check the location permission.",
    distance: "Distance",
    results_count: "venues",
    no_results: "No venues match your search.",
    loading: "Loading…",
    error_unavailable: "The service is unavailable. Please try again later.",
    not_found_title: "Page not found",
    not_found_body: "The page or venue you are looking for does not exist.",
    back_home: "Back to the home page",
    cameras: "Kitchen cameras",
    camera_count: "Cameras",
    licence: "Food business licence",
    licence_number: "Licence number",
    licence_holder: "Operator",
    legal_representative: "Legal representative",
    premises: "Premises",
    business_items: "Business items",
    issued_on: "Issued on",
    valid_until: "Valid until",
    issuing_authority: "Issuing authority",
    no_licence: "No licence on record",
    grade: "Hygiene grade",
    dynamic_grade: "Inspection grade",
    annual_grade: "Annual grade",
    annual_history: "Past years",
    grade_pending: "Not yet graded",
    inspections: "Inspections",
    no_inspections: "No inspections on record",
    no_findings: "No problems found",
    address: "Address",
    jurisdiction: "Area",
    status: "Status",
    key_venue: "Key venue",
    venue_facts: "About this venue",
    connected_on: "Connected on",
    status_history: "Status history",
    public_camera: "Public",
    private_camera: "Regulators only",
    live_connecting: "Connecting",
    live_playing: "Live",
    live_offline: "Camera offline",
    live_reconnecting: "Reconnecting",
    live_unplayable: "Codec not playable in this browser",
    live_paused: "Paused",
    live_via_webrtc: "Real-time",
    live_via_http: "Compatibility mode · HTTP",
    honesty_title: "Is the stream real?",
    online_now: "Online now",
    online_rate_7d: "7-day online rate",
    last_seen_live: "Last seen live",
    never_seen_live: "Never seen live",
    not_checked: "Not checked yet",
    below_target: "Below the 95% target",
    honesty_note: "Every few minutes the portal checks each camera for a playable picture, watched or not.",
    venue_reply: "The venue's reply",
    programme: "Programme",
    programme_title: "Internet + Bright Kitchen: programme progress",
    programme_intro: "These figures are computed live by the portal and can be checked: venues connected, cameras online and the online rate.",
    venues_connected: "Venues connected",
    planned_total: "planned",
    cameras_online: "Cameras online now",
    meeting_standard: "Meet the standard of 5 cameras",
    closed_streaming: "Closed venues still streaming",
    daily_rate: "Daily online rate",
    day: "Day",
    checks: "Checks",
    rate: "Rate",
    by_kind: "By venue type",
    connected: "Connected",
    by_status: "By trading status",
    venues: "Venues",
    live_offline_card: "Camera offline for now; reconnecting automatically",
    screens_installed: "Connected venues with a display screen",
    screens_online: "Display screens online now",
    display_scan: "Scan for grades, inspections, or to complain",
    display_not_found: "This screen's address is not valid or was revoked; ask the regulator for a new one.",
    display_no_cameras: "This venue has no public cameras yet",
};

impl Lang {
    pub fn venue_kind(self, k: VenueKind) -> &'static str {
        match (self, k) {
            (Lang::Zh, VenueKind::Restaurant) => "餐馆",
            (Lang::Zh, VenueKind::SchoolCanteen) => "学校食堂",
            (Lang::Zh, VenueKind::ElderlyMealPoint) => "老年助餐点",
            (Lang::Zh, VenueKind::CentralKitchen) => "中央厨房",
            (Lang::Zh, VenueKind::Other) => "其他",
            (Lang::En, VenueKind::Restaurant) => "Restaurant",
            (Lang::En, VenueKind::SchoolCanteen) => "School canteen",
            (Lang::En, VenueKind::ElderlyMealPoint) => "Elderly meal point",
            (Lang::En, VenueKind::CentralKitchen) => "Central kitchen",
            (Lang::En, VenueKind::Other) => "Other",
        }
    }

    pub fn venue_status(self, s: VenueStatus) -> &'static str {
        match (self, s) {
            (Lang::Zh, VenueStatus::Operating) => "正常营业",
            (Lang::Zh, VenueStatus::Suspended) => "停业整顿",
            (Lang::Zh, VenueStatus::Closed) => "已关闭",
            (Lang::Zh, VenueStatus::Planned) => "计划接入",
            (Lang::En, VenueStatus::Operating) => "Operating",
            (Lang::En, VenueStatus::Suspended) => "Suspended",
            (Lang::En, VenueStatus::Closed) => "Closed",
            (Lang::En, VenueStatus::Planned) => "Planned",
        }
    }

    /// The grade with its face, e.g. "优秀（大笑）".
    pub fn dynamic_grade(self, g: DynamicGrade) -> &'static str {
        match (self, g) {
            (Lang::Zh, DynamicGrade::Excellent) => "优秀（大笑）",
            (Lang::Zh, DynamicGrade::Good) => "良好（微笑）",
            (Lang::Zh, DynamicGrade::Fair) => "一般（平脸）",
            (Lang::En, DynamicGrade::Excellent) => "Excellent (big smile)",
            (Lang::En, DynamicGrade::Good) => "Good (smile)",
            (Lang::En, DynamicGrade::Fair) => "Fair (flat face)",
        }
    }

    pub fn annual_grade(self, g: AnnualGrade) -> &'static str {
        match (self, g) {
            (Lang::Zh, AnnualGrade::A) => "A级",
            (Lang::Zh, AnnualGrade::B) => "B级",
            (Lang::Zh, AnnualGrade::C) => "C级",
            (Lang::En, g) => g.code(),
        }
    }

    pub fn severity(self, s: Severity) -> &'static str {
        match (self, s) {
            (Lang::Zh, Severity::Critical) => "关键项",
            (Lang::Zh, Severity::General) => "一般项",
            (Lang::En, Severity::Critical) => "Critical",
            (Lang::En, Severity::General) => "General",
        }
    }

    pub fn picture_health(self, h: PictureHealth) -> &'static str {
        match (self, h) {
            (Lang::Zh, PictureHealth::Ok) => "画面正常",
            (Lang::Zh, PictureHealth::Offline) => "无画面",
            (Lang::Zh, PictureHealth::Dark) => "画面漆黑",
            (Lang::Zh, PictureHealth::Covered) => "镜头被遮挡",
            (Lang::Zh, PictureHealth::Frozen) => "画面冻结",
            (Lang::Zh, PictureHealth::Looped) => "疑似循环播放录像",
            (Lang::Zh, PictureHealth::Blurred) => "画面模糊",
            (Lang::Zh, PictureHealth::Moved) => "拍摄角度已改变",
            (Lang::En, PictureHealth::Ok) => "Picture normal",
            (Lang::En, PictureHealth::Offline) => "No picture",
            (Lang::En, PictureHealth::Dark) => "Picture dark",
            (Lang::En, PictureHealth::Covered) => "Lens covered",
            (Lang::En, PictureHealth::Frozen) => "Picture frozen",
            (Lang::En, PictureHealth::Looped) => "Looks like a replayed recording",
            (Lang::En, PictureHealth::Blurred) => "Picture blurred",
            (Lang::En, PictureHealth::Moved) => "Camera turned away",
        }
    }

    pub fn kitchen_area(self, a: KitchenArea) -> &'static str {
        match (self, a) {
            (Lang::Zh, KitchenArea::SpecialRoom) => "专间",
            (Lang::Zh, KitchenArea::Cooking) => "烹饪区",
            (Lang::Zh, KitchenArea::RoughPrep) => "粗加工区",
            (Lang::Zh, KitchenArea::Cutting) => "切配区",
            (Lang::Zh, KitchenArea::Dishwashing) => "洗消间",
            (Lang::Zh, KitchenArea::Serving) => "备餐区",
            (Lang::Zh, KitchenArea::Storage) => "仓库",
            (Lang::Zh, KitchenArea::StapleFood) => "主食加工区",
            (Lang::En, KitchenArea::SpecialRoom) => "Special room",
            (Lang::En, KitchenArea::Cooking) => "Cooking area",
            (Lang::En, KitchenArea::RoughPrep) => "Rough preparation",
            (Lang::En, KitchenArea::Cutting) => "Cutting area",
            (Lang::En, KitchenArea::Dishwashing) => "Dish washing",
            (Lang::En, KitchenArea::Serving) => "Serving preparation",
            (Lang::En, KitchenArea::Storage) => "Storage",
            (Lang::En, KitchenArea::StapleFood) => "Staple-food preparation",
        }
    }

    pub fn inspection_kind(self, k: InspectionKind) -> &'static str {
        match (self, k) {
            (Lang::Zh, InspectionKind::Routine) => "日常检查",
            (Lang::Zh, InspectionKind::FollowUp) => "复查",
            (Lang::Zh, InspectionKind::Complaint) => "投诉核查",
            (Lang::Zh, InspectionKind::Special) => "专项检查",
            (Lang::En, InspectionKind::Routine) => "Routine",
            (Lang::En, InspectionKind::FollowUp) => "Follow-up",
            (Lang::En, InspectionKind::Complaint) => "Complaint check",
            (Lang::En, InspectionKind::Special) => "Special campaign",
        }
    }

    pub fn licence_validity(self, v: LicenceValidity) -> &'static str {
        match (self, v) {
            (Lang::Zh, LicenceValidity::Valid) => "有效",
            (Lang::Zh, LicenceValidity::ExpiringSoon) => "即将到期",
            (Lang::Zh, LicenceValidity::Expired) => "已过期",
            (Lang::En, LicenceValidity::Valid) => "Valid",
            (Lang::En, LicenceValidity::ExpiringSoon) => "Expires soon",
            (Lang::En, LicenceValidity::Expired) => "Expired",
        }
    }
}

/// The language of the current page, provided by `App`; where no `App` is above (an island
/// hydrated on its own), the language the request asked for or the page was rendered in.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_else(request_lang)
}

/// The language in a request's `Cookie` headers (the `lang` cookie), else Chinese.
#[cfg(feature = "ssr")]
pub fn lang_from_cookies(headers: &http::HeaderMap) -> Lang {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .find_map(|value| {
            value.to_str().ok()?.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                (k == "lang").then(|| Lang::from_tag(v))
            })
        })
        .unwrap_or_default()
}

/// The language the request asked for, on the server: the `lang` cookie, else Chinese.
#[cfg(feature = "ssr")]
pub fn request_lang() -> Lang {
    use_context::<http::request::Parts>().map(|parts| lang_from_cookies(&parts.headers)).unwrap_or_default()
}

/// The language the server rendered, read back from `<html lang>` in the browser.
#[cfg(not(feature = "ssr"))]
pub fn request_lang() -> Lang {
    document()
        .document_element()
        .and_then(|el| el.get_attribute("lang"))
        .map(|tag| Lang::from_tag(&tag))
        .unwrap_or_default()
}
