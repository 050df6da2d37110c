//! Citizens' complaints: the form, what a rejected submission sends back, and the public
//! tracking page. Submissions are multipart POSTs to [`SUBMIT_PATH`], handled by the server
//! outside the server-function machinery so that they work without JavaScript.

use crate::domain::{ComplaintCategory, ComplaintStatus, VenueId};
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// Where the complaint form posts (multipart/form-data).
pub const SUBMIT_PATH: &str = "/complaints/submit";
/// At most this many photos per complaint.
pub const MAX_PHOTOS: usize = 5;
/// At most this many bytes per photo as uploaded.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// Limits on the text fields, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;
pub const MIN_DESCRIPTION_CHARS: usize = 10;
pub const MAX_CONTACT_CHARS: usize = 100;
pub const MAX_NAME_CHARS: usize = 40;
pub use mingchu_domain::complaint::{ACCEPT_WORKING_DAYS, MEDIATION_WORKING_DAYS};
/// The honeypot field: hidden from people, filled by naive bots.
pub const HONEYPOT_FIELD: &str = "website";

/// What the citizen typed, sent back with a rejected submission so nothing has to be typed
/// again. Photos cannot be put back into a file input; the problems say which to attach again.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ComplaintDraft {
    pub venue: Option<VenueId>,
    pub category: String,
    pub description: String,
    /// `YYYY-MM-DDTHH:MM`, China time, as a `datetime-local` input gives it.
    pub occurred_at: String,
    pub camera: String,
    pub camera_time: String,
    pub contact: String,
    pub name: String,
    pub show_name: bool,
}

/// A form field, for attaching problems to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Venue,
    Category,
    Description,
    OccurredAt,
    Camera,
    CameraTime,
    Contact,
    Name,
    Photos,
    Form,
}

impl Field {
    /// The form field's `name`.
    pub fn name(self) -> &'static str {
        match self {
            Field::Venue => "venue",
            Field::Category => "category",
            Field::Description => "description",
            Field::OccurredAt => "occurred_at",
            Field::Camera => "camera",
            Field::CameraTime => "camera_time",
            Field::Contact => "contact",
            Field::Name => "name",
            Field::Photos => "photos",
            Field::Form => "form",
        }
    }
}

/// Why a photo was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhotoFault {
    TooBig,
    Empty,
    /// Not a picture at all (by its content, whatever its name says).
    NotAnImage,
    /// A picture in a format we cannot read (`format` names it, e.g. HEIC or GIF).
    Unsupported {
        format: String,
    },
    /// Looks like a picture but cannot be decoded.
    Damaged,
    /// Width or height beyond what we accept.
    TooManyPixels,
}

/// One reason a submission was refused. The server renders it in the reader's language
/// ([`FormProblem`]); it never travels as itself, which keeps its text out of the browser's
/// bundle except where the browser finds a problem on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    Required {
        field: Field,
    },
    TooLong {
        field: Field,
        max: usize,
    },
    TooShort {
        field: Field,
        min: usize,
    },
    Invalid {
        field: Field,
    },
    InFuture {
        field: Field,
    },
    UnknownVenue,
    UnknownCamera,
    BadContact,
    Photo {
        file: String,
        fault: PhotoFault,
    },
    TooManyPhotos,
    /// The form is older than its token allows; a fresh one is in the page.
    FormExpired,
    /// The form token is missing or was not issued by this portal.
    FormInvalid,
    /// This form was already used for another complaint (the Back button); a fresh form is in
    /// the page.
    AlreadySubmitted {
        reference: String,
    },
    /// The hidden honeypot field was filled.
    Automated,
    /// Posted from another site.
    CrossSite,
    RateLimited {
        retry_after_minutes: u64,
    },
    BodyTooLarge,
    Malformed,
}

impl Problem {
    /// A stable code for API clients.
    pub fn kind(&self) -> &'static str {
        match self {
            Problem::Required { .. } => "required",
            Problem::TooLong { .. } => "too_long",
            Problem::TooShort { .. } => "too_short",
            Problem::Invalid { .. } => "invalid",
            Problem::InFuture { .. } => "in_future",
            Problem::UnknownVenue => "unknown_venue",
            Problem::UnknownCamera => "unknown_camera",
            Problem::BadContact => "bad_contact",
            Problem::Photo { fault: PhotoFault::TooBig, .. } => "photo_too_big",
            Problem::Photo { fault: PhotoFault::Empty, .. } => "photo_empty",
            Problem::Photo { fault: PhotoFault::NotAnImage, .. } => "photo_not_an_image",
            Problem::Photo { fault: PhotoFault::Unsupported { .. }, .. } => "photo_unsupported_format",
            Problem::Photo { fault: PhotoFault::Damaged, .. } => "photo_damaged",
            Problem::Photo { fault: PhotoFault::TooManyPixels, .. } => "photo_too_many_pixels",
            Problem::TooManyPhotos => "too_many_photos",
            Problem::FormExpired => "form_expired",
            Problem::FormInvalid => "form_invalid",
            Problem::AlreadySubmitted { .. } => "already_submitted",
            Problem::Automated => "automated",
            Problem::CrossSite => "cross_site",
            Problem::RateLimited { .. } => "rate_limited",
            Problem::BodyTooLarge => "body_too_large",
            Problem::Malformed => "malformed",
        }
    }

    /// The field the problem belongs to (for `aria-invalid`).
    pub fn field(&self) -> Field {
        match self {
            Problem::Required { field }
            | Problem::TooLong { field, .. }
            | Problem::TooShort { field, .. }
            | Problem::Invalid { field }
            | Problem::InFuture { field } => *field,
            Problem::UnknownVenue => Field::Venue,
            Problem::UnknownCamera => Field::Camera,
            Problem::BadContact => Field::Contact,
            Problem::Photo { .. } | Problem::TooManyPhotos => Field::Photos,
            _ => Field::Form,
        }
    }

    /// A sentence a person understands, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let label = |f: Field| field_label(f, lang);
        match self {
            Problem::Required { field } if zh => format!("请填写“{}”。", label(*field)),
            Problem::Required { field } => format!("Please fill in “{}”.", label(*field)),
            Problem::TooLong { field, max } if zh => format!("“{}”最多 {max} 个字，请删减。", label(*field)),
            Problem::TooLong { field, max } => format!("“{}” can be at most {max} characters.", label(*field)),
            Problem::TooShort { field, min } if zh => format!("“{}”至少 {min} 个字，请写清楚发生了什么。", label(*field)),
            Problem::TooShort { field, min } => {
                format!("“{}” needs at least {min} characters: say what happened.", label(*field))
            }
            Problem::Invalid { field } if zh => format!("“{}”的格式不对。", label(*field)),
            Problem::Invalid { field } => format!("“{}” is not in a format we understand.", label(*field)),
            Problem::InFuture { field } if zh => format!("“{}”不能是将来的时间。", label(*field)),
            Problem::InFuture { field } => format!("“{}” cannot be in the future.", label(*field)),
            Problem::UnknownVenue if zh => "找不到这家单位，请重新搜索选择。".into(),
            Problem::UnknownVenue => "We cannot find that venue; please search for it again.".into(),
            Problem::UnknownCamera if zh => "这家单位没有该摄像头。".into(),
            Problem::UnknownCamera => "That camera does not belong to this venue.".into(),
            Problem::BadContact if zh => "联系方式请填写手机号码或电子邮箱。".into(),
            Problem::BadContact => "Contact must be a mobile number or an email address.".into(),
            Problem::Photo { file, fault } => photo_message(file, fault, lang),
            Problem::TooManyPhotos if zh => format!("最多上传 {MAX_PHOTOS} 张照片。"),
            Problem::TooManyPhotos => format!("At most {MAX_PHOTOS} photos can be attached."),
            Problem::FormExpired if zh => "表单已过期。您填写的内容已保留，请重新选择照片后再提交。".into(),
            Problem::FormExpired => {
                "This form has expired. What you typed is kept; attach any photos again and submit.".into()
            }
            Problem::FormInvalid if zh => "表单已失效，页面已换上新的表单，您填写的内容已保留，请再次提交。".into(),
            Problem::FormInvalid => {
                "This form was not valid. The page now has a fresh one with what you typed; please submit again.".into()
            }
            Problem::AlreadySubmitted { reference } if zh => format!(
                "这张表单已经提交过（投诉编号 {reference}）。如要再投诉一件事，页面已换上新的表单，您填写的内容已保留，请再次提交。"
            ),
            Problem::AlreadySubmitted { reference } => format!(
                "This form was already used for complaint {reference}. To make another complaint, submit again: the page now has a fresh form with what you typed."
            ),
            Problem::Automated if zh => {
                "提交被拒绝：一个隐藏字段被填写了（可能是浏览器自动填写）。该字段已清空，请再次提交。".into()
            }
            Problem::Automated => {
                "Refused: a hidden field was filled in (perhaps by autofill). It has been cleared; please submit again.".into()
            }
            Problem::CrossSite if zh => "只能从本网站提交投诉。".into(),
            Problem::CrossSite => "Complaints can only be submitted from this site.".into(),
            Problem::RateLimited { retry_after_minutes } if zh => {
                format!("提交过于频繁，请 {retry_after_minutes} 分钟后再试。您填写的内容已保留。")
            }
            Problem::RateLimited { retry_after_minutes } => format!(
                "Too many submissions from your connection. Try again in {retry_after_minutes} minutes; what you typed is kept."
            ),
            Problem::BodyTooLarge if zh => "提交的内容太大（照片总计不能超过 50 MB）。".into(),
            Problem::BodyTooLarge => "The submission is too large (photos may total at most 50 MB).".into(),
            Problem::Malformed if zh => "提交的数据不完整，可能是网络中断，请重试。".into(),
            Problem::Malformed => "The submission arrived incomplete (perhaps the connection dropped); please try again.".into(),
        }
    }
}

/// What is wrong with a photo, for the person who sent it.
pub fn photo_message(file: &str, fault: &PhotoFault, lang: Lang) -> String {
    let mb = MAX_PHOTO_BYTES / (1024 * 1024);
    match (lang, fault) {
        (Lang::Zh, PhotoFault::TooBig) => format!("照片“{file}”超过 {mb} MB。"),
        (Lang::En, PhotoFault::TooBig) => format!("Photo “{file}” is larger than {mb} MB."),
        (Lang::Zh, PhotoFault::Empty) => format!("照片“{file}”是空文件。"),
        (Lang::En, PhotoFault::Empty) => format!("Photo “{file}” is empty."),
        (Lang::Zh, PhotoFault::NotAnImage) => format!("“{file}”不是图片（支持 JPEG、PNG、WebP）。"),
        (Lang::En, PhotoFault::NotAnImage) => format!("“{file}” is not a picture (JPEG, PNG and WebP are accepted)."),
        (Lang::Zh, PhotoFault::Unsupported { format }) => {
            format!("照片“{file}”是 {format} 格式，暂不支持。请改用 JPEG、PNG 或 WebP（iPhone 可在“设置 > 相机 > 格式”中选择“兼容性最佳”）。")
        }
        (Lang::En, PhotoFault::Unsupported { format }) => format!(
            "Photo “{file}” is {format}, which we cannot read yet. Please send JPEG, PNG or WebP (on an iPhone: Settings > Camera > Formats > Most Compatible)."
        ),
        (Lang::Zh, PhotoFault::Damaged) => format!("照片“{file}”已损坏，无法读取。"),
        (Lang::En, PhotoFault::Damaged) => format!("Photo “{file}” is damaged and cannot be read."),
        (Lang::Zh, PhotoFault::TooManyPixels) => format!("照片“{file}”的尺寸太大。"),
        (Lang::En, PhotoFault::TooManyPixels) => format!("Photo “{file}” has too many pixels."),
    }
}

/// The label of a field, as the form shows it.
pub fn field_label(field: Field, lang: Lang) -> &'static str {
    let zh = lang == Lang::Zh;
    match field {
        Field::Venue => {
            if zh {
                "投诉对象"
            } else {
                "Venue"
            }
        }
        Field::Category => {
            if zh {
                "投诉类别"
            } else {
                "What it is about"
            }
        }
        Field::Description => {
            if zh {
                "情况描述"
            } else {
                "What happened"
            }
        }
        Field::OccurredAt => {
            if zh {
                "发生时间"
            } else {
                "When it happened"
            }
        }
        Field::Camera => {
            if zh {
                "相关摄像头"
            } else {
                "Camera"
            }
        }
        Field::CameraTime => {
            if zh {
                "画面时间"
            } else {
                "Time in the footage"
            }
        }
        Field::Contact => {
            if zh {
                "联系方式"
            } else {
                "Contact"
            }
        }
        Field::Name => {
            if zh {
                "姓名"
            } else {
                "Name"
            }
        }
        Field::Photos => {
            if zh {
                "照片"
            } else {
                "Photos"
            }
        }
        Field::Form => {
            if zh {
                "表单"
            } else {
                "Form"
            }
        }
    }
}

/// The venue a complaint is about, with the cameras one may point at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormVenue {
    pub id: VenueId,
    pub name: String,
    pub address: String,
    pub cameras: Vec<(i64, String)>,
}

/// Everything the complaint form needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintForm {
    /// Signed by the server: proves the form came from this portal, and is the idempotency
    /// key that makes a retried submission store one complaint.
    pub token: String,
    pub venue: Option<FormVenue>,
    /// What was typed, when the form comes back with problems.
    pub draft: ComplaintDraft,
    pub problems: Vec<FormProblem>,
}

/// A rejected submission, provided as context when the server renders the form again.
#[derive(Clone, Debug)]
pub struct ComplaintEcho {
    pub token: Option<String>,
    pub draft: ComplaintDraft,
    pub problems: Vec<Problem>,
}

/// One public update on a complaint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintUpdate {
    /// RFC 3339.
    pub at: String,
    pub status: ComplaintStatus,
    /// A public note (for a rejection, the reason).
    pub note: String,
    /// For a duplicate: the reference it duplicates.
    pub duplicate_of: Option<String>,
}

/// What anyone holding the reference may see. Contact details never leave the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicComplaint {
    pub reference: String,
    pub venue: VenueId,
    pub venue_name: String,
    pub category: ComplaintCategory,
    pub description: String,
    pub occurred_at: Option<String>,
    pub camera_name: Option<String>,
    pub camera_time: Option<String>,
    /// The name, only when the complainant allowed it to be shown.
    pub shown_name: Option<String>,
    pub submitted_at: String,
    pub status: ComplaintStatus,
    /// Acceptance must be decided by this day (China time, `YYYY-MM-DD`).
    pub accept_due: String,
    /// Mediation ends by this day, once accepted.
    pub mediation_due: Option<String>,
    /// Photo URLs, in the order attached.
    pub photos: Vec<String>,
    pub updates: Vec<ComplaintUpdate>,
    /// The complainant's answer, once given.
    pub feedback: Option<ComplaintFeedback>,
    /// Whether the page asks for one: handled to the end and not answered yet.
    pub asks_feedback: bool,
}

/// Whether the complaint was resolved and how satisfied its complainant is (1–5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintFeedback {
    pub resolved: bool,
    pub satisfaction: u8,
    pub at: String,
}

impl PublicComplaint {
    /// The date the citizen should expect the next step by, if one is due.
    pub fn expected(&self) -> Option<&str> {
        match self.status {
            ComplaintStatus::Submitted => Some(&self.accept_due),
            s if s.is_closed() => None,
            _ => self.mediation_due.as_deref(),
        }
    }
}

/// Complaint handling in the programme KPIs: regulators are judged on the 12315 deadline.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ComplaintFigures {
    /// Complaints received in the last 30 days.
    pub received_30d: u32,
    /// Waiting for the acceptance decision now.
    pub awaiting_decision: u32,
    /// Of those, past their 7-working-day deadline.
    pub overdue: u32,
    /// Of the complaints received in the last 90 days whose decision is made or due, the share
    /// decided within the deadline; `None` when there are none.
    pub decided_on_time_90d: Option<f64>,
}

/// The answer to a successful submission made with `Accept: application/json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubmitReceipt {
    pub reference: String,
    pub url: String,
    /// True when this was a retry of a submission already stored.
    pub replayed: bool,
}

/// The answer to a refused submission made with `Accept: application/json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubmitRefusal {
    pub message: String,
    pub problems: Vec<FormProblem>,
    /// A fresh form token when the old one has expired.
    pub token: Option<String>,
}

/// A problem as the form shows it: the field, a stable code and the sentence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormProblem {
    pub field: Field,
    /// [`Problem::kind`].
    pub kind: String,
    pub message: String,
}

impl FormProblem {
    pub fn new(problem: &Problem, lang: Lang) -> FormProblem {
        FormProblem { field: problem.field(), kind: problem.kind().to_string(), message: problem.message(lang) }
    }
}

/// A complaint category's name, in `lang`.
pub fn category_name(c: ComplaintCategory, lang: Lang) -> &'static str {
    let zh = lang == Lang::Zh;
    match c {
        ComplaintCategory::Hygiene => {
            if zh {
                "卫生问题"
            } else {
                "Hygiene"
            }
        }
        ComplaintCategory::ForeignMatter => {
            if zh {
                "食品中有异物"
            } else {
                "Foreign matter in food"
            }
        }
        ComplaintCategory::Illness => {
            if zh {
                "就餐后身体不适"
            } else {
                "Illness after eating"
            }
        }
        ComplaintCategory::StaffBehaviour => {
            if zh {
                "从业人员行为"
            } else {
                "Staff behaviour"
            }
        }
        ComplaintCategory::LicenceProblem => {
            if zh {
                "许可证问题"
            } else {
                "Licence problem"
            }
        }
        ComplaintCategory::CameraProblem => {
            if zh {
                "摄像头离线或画面造假"
            } else {
                "Camera offline or fake stream"
            }
        }
        ComplaintCategory::Other => {
            if zh {
                "其他"
            } else {
                "Other"
            }
        }
    }
}

/// A longer explanation of a category (Open311 service descriptions, form hints).
pub fn category_description(c: ComplaintCategory, lang: Lang) -> &'static str {
    let zh = lang == Lang::Zh;
    match c {
        ComplaintCategory::Hygiene => {
            if zh {
                "后厨或就餐区脏乱、虫鼠、餐具未消毒等。"
            } else {
                "Dirty kitchen or dining room, pests, unwashed tableware."
            }
        }
        ComplaintCategory::ForeignMatter => {
            if zh {
                "饭菜中吃出头发、虫子、金属、塑料等异物。"
            } else {
                "Hair, insects, metal, plastic or other matter in the food."
            }
        }
        ComplaintCategory::Illness => {
            if zh {
                "就餐后出现腹泻、呕吐等不适，疑似食物中毒。"
            } else {
                "Diarrhoea, vomiting or other illness after eating; suspected food poisoning."
            }
        }
        ComplaintCategory::StaffBehaviour => {
            if zh {
                "未戴口罩帽子、徒手接触直接入口食品、吸烟等。"
            } else {
                "No mask or cap, bare hands on ready-to-eat food, smoking, and similar."
            }
        }
        ComplaintCategory::LicenceProblem => {
            if zh {
                "无证经营、证照过期、超范围经营或未公示。"
            } else {
                "No licence, an expired licence, trading beyond it, or not displaying it."
            }
        }
        ComplaintCategory::CameraProblem => {
            if zh {
                "明厨亮灶摄像头长期离线、遮挡，或直播画面与实际不符。"
            } else {
                "The kitchen cameras are offline or covered for long, or the stream does not show the real kitchen."
            }
        }
        ComplaintCategory::Other => {
            if zh {
                "其他食品安全问题。"
            } else {
                "Any other food-safety problem."
            }
        }
    }
}

/// A complaint status's name, in `lang`.
pub fn status_name(s: ComplaintStatus, lang: Lang) -> &'static str {
    let zh = lang == Lang::Zh;
    match s {
        ComplaintStatus::Submitted => {
            if zh {
                "已提交，待受理"
            } else {
                "Submitted"
            }
        }
        ComplaintStatus::Accepted => {
            if zh {
                "已受理"
            } else {
                "Accepted"
            }
        }
        ComplaintStatus::Rejected => {
            if zh {
                "不予受理"
            } else {
                "Rejected"
            }
        }
        ComplaintStatus::Investigating => {
            if zh {
                "调查处理中"
            } else {
                "Investigating"
            }
        }
        ComplaintStatus::ActionScheduled => {
            if zh {
                "已安排处置"
            } else {
                "Action scheduled"
            }
        }
        ComplaintStatus::Resolved => {
            if zh {
                "已处理"
            } else {
                "Resolved"
            }
        }
        ComplaintStatus::Closed => {
            if zh {
                "已办结"
            } else {
                "Closed"
            }
        }
        ComplaintStatus::Duplicate => {
            if zh {
                "重复投诉"
            } else {
                "Duplicate"
            }
        }
    }
}

/// Why the complainant's answer was refused (a `FeedbackRefusal` code), when the server shows
/// the complaint's page again with it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FeedbackEcho {
    pub problem: String,
}
