//! The hazard case and its escalation ladder as a state machine (docs/REQUIREMENTS.md §b.1).
//!
//! A hazard (隐患) found by an inspection, an alert, an assessment or a report is `Detected`.
//! Police order rectification with a deadline and the mandatory warning (Decree 421 Art 19) and
//! the case is `Rectifying`. The unit submits a rectification report (`RecheckPending`); the
//! re-inspection (复查) passes (`Closed`) or fails (back to `Rectifying` while the deadline runs,
//! `Overdue` once it has passed). An overdue case climbs the Zhejiang administrative ladder
//! (S10 浙江省社会治安综合治理条例 Arts 28–29; the default order 约谈 → 挂牌督办 → 问题抄告 is
//! configurable), each rung ordering rectification by a new deadline. A fine is only possible
//! when the case is overdue **and** harm occurred or safety is seriously threatened (Decree 421
//! Art 19), with amounts inside the legal ranges; a suspected crime is transferred from a fine.
//!
//! [`Case::apply`] is the only way to change a case: it checks who acts, the phase, the ladder
//! order, deadlines and amounts, and returns the [`Transition`] to record (who, when, why and the
//! legal basis come from the caller and [`Action::legal_basis`]). Anything else is an error, so
//! an illegal state cannot be reached; the property tests below try random sequences.

use chrono::{DateTime, Duration, Months, Utc};
use serde::{Deserialize, Serialize};

/// Hazard class (docs/GLOSSARY.md: 一般隐患 / 重大隐患).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HazardClass {
    General,
    Major,
}

impl HazardClass {
    pub fn code(self) -> &'static str {
        match self {
            HazardClass::General => "general",
            HazardClass::Major => "major",
        }
    }
    pub fn from_code(s: &str) -> Option<HazardClass> {
        match s {
            "general" => Some(HazardClass::General),
            "major" => Some(HazardClass::Major),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            HazardClass::General => "一般隐患",
            HazardClass::Major => "重大隐患",
        }
    }
}

/// Where a hazard came from (docs/REQUIREMENTS.md §b.1 "sources").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HazardSource {
    /// A police, department or self inspection (R20, R23, R12).
    Inspection,
    /// An alert raised by the early-warning rules.
    Alert,
    /// The two-yearly safety assessment (R32).
    Assessment,
    /// A report (a citizen, a unit, an officer on patrol).
    Report,
    /// A shortfall found in an emergency drill's evaluation (docs/DRILLS.md, R18).
    Drill,
}

/// The phase of a hazard case (docs/REQUIREMENTS.md §b.1: H0, H2/H3, H4, H5, H6, H7, CLOSED).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// H0: found, no order yet.
    Detected,
    /// H2/H3: rectification ordered with a deadline (or a new deadline from a ladder rung).
    Rectifying,
    /// H4: the unit reported its rectification; re-inspection is due.
    RecheckPending,
    /// H5: the deadline passed without a passed re-inspection (逾期不整改).
    Overdue,
    /// H6: fine decided (Decree 421 Art 19). A penalty end.
    FineDecided,
    /// H7: transferred for criminal investigation. A penalty end.
    CriminalTransfer,
    /// Closed: re-inspection passed, fixed on the spot, or dismissed.
    Closed,
}

impl Phase {
    pub const ALL: [Phase; 7] = [
        Phase::Detected,
        Phase::Rectifying,
        Phase::RecheckPending,
        Phase::Overdue,
        Phase::FineDecided,
        Phase::CriminalTransfer,
        Phase::Closed,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Phase::Detected => "detected",
            Phase::Rectifying => "rectifying",
            Phase::RecheckPending => "recheck_pending",
            Phase::Overdue => "overdue",
            Phase::FineDecided => "fine_decided",
            Phase::CriminalTransfer => "criminal_transfer",
            Phase::Closed => "closed",
        }
    }
    pub fn from_code(s: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Phase::Detected => "待处置",
            Phase::Rectifying => "整改中",
            Phase::RecheckPending => "待复查",
            Phase::Overdue => "逾期未整改",
            Phase::FineDecided => "已处罚",
            Phase::CriminalTransfer => "已移送司法",
            Phase::Closed => "已销号",
        }
    }
    /// Whether nothing but a criminal transfer (from a fine) can follow.
    pub fn is_end(self) -> bool {
        matches!(self, Phase::FineDecided | Phase::CriminalTransfer | Phase::Closed)
    }
    /// Whether the case has an open deadline.
    pub fn has_deadline(self) -> bool {
        matches!(self, Phase::Rectifying | Phase::RecheckPending | Phase::Overdue)
    }
}

/// A rung of the Zhejiang administrative ladder (S10 Art 28; 问题抄告 from the Opinions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rung {
    /// 通报 circular.
    Circular,
    /// 约谈 admonitory interview.
    Interview,
    /// 挂牌督办 listed supervision.
    ListedSupervision,
    /// 问题抄告 problem referral to the competent department.
    Referral,
}

impl Rung {
    pub const ALL: [Rung; 4] = [Rung::Circular, Rung::Interview, Rung::ListedSupervision, Rung::Referral];
    /// The default order (configurable per bureau): 约谈 → 挂牌督办 → 问题抄告, with 通报 available.
    pub const DEFAULT_ORDER: [Rung; 4] = [Rung::Circular, Rung::Interview, Rung::ListedSupervision, Rung::Referral];
    pub fn code(self) -> &'static str {
        match self {
            Rung::Circular => "circular",
            Rung::Interview => "interview",
            Rung::ListedSupervision => "listed_supervision",
            Rung::Referral => "referral",
        }
    }
    pub fn from_code(s: &str) -> Option<Rung> {
        Rung::ALL.into_iter().find(|r| r.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Rung::Circular => "通报",
            Rung::Interview => "约谈",
            Rung::ListedSupervision => "挂牌督办",
            Rung::Referral => "问题抄告",
        }
    }
}

/// The consequence that gates a fine (Decree 421 Art 19).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Harm {
    /// 造成公民人身伤害、公私财产损失 (Art 19's words).
    InjuryOrLoss,
    /// 严重威胁公民人身安全、公私财产安全或者公共安全 (Art 19's words).
    SeriousThreat,
}

impl Harm {
    pub fn label_zh(self) -> &'static str {
        match self {
            Harm::InjuryOrLoss => "已造成公民人身伤害、公私财产损失",
            Harm::SeriousThreat => "严重威胁公民人身安全、公私财产安全或者公共安全",
        }
    }
}

/// Decree 421 Art 19: the unit is fined CNY 10 000–100 000.
pub const UNIT_FINE_RANGE_YUAN: (i64, i64) = (10_000, 100_000);
/// Decree 421 Art 19: each principal or directly responsible person CNY 500–5 000.
pub const PERSON_FINE_RANGE_YUAN: (i64, i64) = (500, 5_000);
/// Longest extension granted in one request (days past the current deadline).
pub const MAX_EXTENSION_DAYS: i64 = 90;

/// A fine on one responsible person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonFine {
    /// Name of the principal or directly responsible person.
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    /// Amount in yuan (CNY), 500–5 000.
    #[schema(minimum = 500, maximum = 5000)]
    pub amount_yuan: i64,
}

/// A fine decision (docs/REQUIREMENTS.md R25).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FineDecision {
    pub harm: Harm,
    /// Amount on the unit in yuan, 10 000–100 000.
    #[schema(minimum = 10000, maximum = 100000)]
    pub unit_amount_yuan: i64,
    #[schema(max_items = 20)]
    pub persons: Vec<PersonFine>,
    /// Recommend disciplinary action (处分) to the relevant organisation.
    #[serde(default)]
    pub recommend_discipline: bool,
}

/// A pending request to move the deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExtensionRequest {
    pub until: DateTime<Utc>,
    pub requested_at: DateTime<Utc>,
}

/// Who acts. Derived from the role by the caller; the state machine checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// A police officer (the enforcing authority of Decree 421).
    Police,
    /// The unit (its security manager).
    Unit,
    /// The platform itself (deadline timers).
    System,
}

impl Actor {
    /// The side of the ladder a role acts on: police officers enforce, a unit's security
    /// manager answers for the unit; other roles take no ladder action. The one place this
    /// mapping lives (whether the role may act on hazards at all is `Permission::HazardAct`).
    pub fn for_role(role: crate::access::Role) -> Option<Actor> {
        use crate::access::Role;
        if role.is_police() {
            Some(Actor::Police)
        } else if role == Role::UnitManager {
            Some(Actor::Unit)
        } else {
            None
        }
    }
}

/// One action on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Police: rectification order with a deadline and the warning (Art 16(2), Art 19).
    IssueOrder { deadline: DateTime<Utc> },
    /// Police: fixed on the spot during the inspection (evidence attached).
    FixOnSpot,
    /// Police: not a hazard after all.
    Dismiss,
    /// Unit: rectification report submitted (evidence attached).
    SubmitRectification,
    /// Police: re-inspection result.
    Recheck { passed: bool },
    /// Unit: asks for a later deadline before the current one passes.
    RequestExtension { until: DateTime<Utc> },
    /// Police: approves or refuses the pending extension.
    DecideExtension { approve: bool },
    /// System: the deadline passed.
    MarkOverdue,
    /// Police: climb the ladder with a new deadline. `severe_event_at` applies to listed
    /// supervision only (S10 Art 29: an especially severe event bars honours for 1 year from it).
    /// `interview_at` and `interview_place` are required for 约谈 and only for it: when and where
    /// the unit's principal is to attend, as the 约谈通知书 states them (S10 Art 28).
    Escalate {
        rung: Rung,
        deadline: DateTime<Utc>,
        #[serde(default)]
        severe_event_at: Option<DateTime<Utc>>,
        /// 约谈时间: after now and not after the new deadline.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interview_at: Option<DateTime<Utc>>,
        /// 约谈地点, e.g. 西湖区分局三楼会议室.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schema(max_length = 200)]
        interview_place: Option<String>,
    },
    /// Police: fine decision (Art 19).
    DecideFine { fine: FineDecision },
    /// Police: transfer for criminal investigation after a fine.
    TransferCriminal,
}

impl Action {
    /// The stable name of the action, as recorded.
    pub fn code(&self) -> &'static str {
        match self {
            Action::IssueOrder { .. } => "issue_order",
            Action::FixOnSpot => "fix_on_spot",
            Action::Dismiss => "dismiss",
            Action::SubmitRectification => "submit_rectification",
            Action::Recheck { passed: true } => "recheck_pass",
            Action::Recheck { passed: false } => "recheck_fail",
            Action::RequestExtension { .. } => "request_extension",
            Action::DecideExtension { approve: true } => "approve_extension",
            Action::DecideExtension { approve: false } => "refuse_extension",
            Action::MarkOverdue => "mark_overdue",
            Action::Escalate { .. } => "escalate",
            Action::DecideFine { .. } => "decide_fine",
            Action::TransferCriminal => "transfer_criminal",
        }
    }

    /// The zh-CN label of the action.
    pub fn label_zh(&self) -> String {
        match self {
            Action::IssueOrder { .. } => "责令限期整改并警告".into(),
            Action::FixOnSpot => "当场整改".into(),
            Action::Dismiss => "不构成隐患，销号".into(),
            Action::SubmitRectification => "提交整改报告".into(),
            Action::Recheck { passed: true } => "复查合格".into(),
            Action::Recheck { passed: false } => "复查不合格".into(),
            Action::RequestExtension { .. } => "申请延期".into(),
            Action::DecideExtension { approve: true } => "批准延期".into(),
            Action::DecideExtension { approve: false } => "不予延期".into(),
            Action::MarkOverdue => "逾期未整改".into(),
            Action::Escalate { rung, .. } => rung.label_zh().into(),
            Action::DecideFine { .. } => "作出罚款决定".into(),
            Action::TransferCriminal => "移送司法机关".into(),
        }
    }

    /// Who may take the action.
    pub fn actor(&self) -> Actor {
        match self {
            Action::SubmitRectification | Action::RequestExtension { .. } => Actor::Unit,
            Action::MarkOverdue => Actor::System,
            _ => Actor::Police,
        }
    }

    /// The legal basis recorded with the transition (source documents as in docs/REQUIREMENTS.md).
    pub fn legal_basis(&self) -> &'static str {
        match self {
            Action::IssueOrder { .. } => "《企业事业单位内部治安保卫条例》第十六条第（二）项、第十九条",
            Action::FixOnSpot | Action::Dismiss => "《企业事业单位内部治安保卫条例》第十六条",
            Action::SubmitRectification | Action::MarkOverdue => "《企业事业单位内部治安保卫条例》第十九条",
            Action::Recheck { .. } | Action::RequestExtension { .. } | Action::DecideExtension { .. } => {
                "《公安机关监督检查企业事业单位内部治安保卫工作规定》（公安部令第93号）"
            }
            Action::Escalate {
                rung: Rung::ListedSupervision,
                ..
            } => "《浙江省社会治安综合治理条例》第二十八条、第二十九条",
            Action::Escalate {
                rung: Rung::Referral, ..
            } => "《浙江省社会治安综合治理条例》第二十八条；浙政办发〔2019〕24号（问题抄告）",
            Action::Escalate { .. } => "《浙江省社会治安综合治理条例》第二十八条",
            Action::DecideFine { .. } => "《企业事业单位内部治安保卫条例》第十九条",
            Action::TransferCriminal => {
                "《企业事业单位内部治安保卫条例》第十九条；《行政执法机关移送涉嫌犯罪案件的规定》"
            }
        }
    }
}

/// Why an action was refused. Each maps to a stable API error (409 `invalid_transition` or 400
/// `validation_failed`) with the zh-CN message of [`LadderError::message_zh`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LadderError {
    #[error("action not allowed in this phase")]
    WrongPhase { phase: Phase, action: &'static str },
    #[error("actor may not take this action")]
    WrongActor,
    #[error("deadline must be in the future")]
    DeadlineNotInFuture,
    #[error("deadline has not passed")]
    DeadlineNotPassed,
    #[error("rung out of the configured order")]
    RungOutOfOrder { rung: Rung },
    #[error("a fine needs harm or a serious threat")]
    FineNotAllowed,
    #[error("amount out of range")]
    AmountOutOfRange { what: String, min: i64, max: i64 },
    #[error("extension")]
    Extension(&'static str),
    #[error("severe event only applies to listed supervision")]
    SevereEventNotListed,
    #[error("severe event date out of range")]
    SevereEventDate,
    /// A 约谈 without its time or place (the field's label).
    #[error("interview detail missing")]
    InterviewDetailMissing(&'static str),
    #[error("interview time out of range")]
    InterviewTime,
    #[error("interview details only apply to an interview")]
    InterviewNotInterview,
}

impl LadderError {
    /// Whether the error is bad input (400) rather than a wrong moment (409).
    pub fn is_validation(&self) -> bool {
        matches!(
            self,
            LadderError::DeadlineNotInFuture
                | LadderError::AmountOutOfRange { .. }
                | LadderError::Extension(_)
                | LadderError::SevereEventNotListed
                | LadderError::SevereEventDate
                | LadderError::InterviewDetailMissing(_)
                | LadderError::InterviewTime
                | LadderError::InterviewNotInterview
        )
    }
    pub fn message_zh(&self) -> String {
        match self {
            LadderError::WrongPhase { phase, .. } => format!("隐患当前状态为「{}」，不能进行此操作", phase.label_zh()),
            LadderError::WrongActor => "当前账号无权进行此操作".into(),
            LadderError::DeadlineNotInFuture => "整改期限必须晚于当前时间".into(),
            LadderError::DeadlineNotPassed => "整改期限尚未届满".into(),
            LadderError::RungOutOfOrder { rung } => {
                format!("「{}」不符合本局设定的督办顺序，或已采取过", rung.label_zh())
            }
            LadderError::FineNotAllowed => {
                "依据条例第十九条，仅在逾期不整改且已造成后果或严重威胁安全时方可罚款".into()
            }
            LadderError::AmountOutOfRange { what, min, max } => {
                format!("{what}罚款金额须在{min}元至{max}元之间")
            }
            LadderError::Extension(m) => (*m).into(),
            LadderError::SevereEventNotListed => "特别严重事件日期仅适用于挂牌督办".into(),
            LadderError::SevereEventDate => "特别严重事件日期不能晚于今天，也不能早于三年前".into(),
            LadderError::InterviewDetailMissing(label) => {
                format!("约谈通知书缺少必备事项：{label}（请填写约谈的{label}）")
            }
            LadderError::InterviewTime => "约谈时间须晚于当前时间，且不晚于新的整改期限".into(),
            LadderError::InterviewNotInterview => "约谈时间、约谈地点仅适用于约谈".into(),
        }
    }
}

impl From<LadderError> for crate::error::DomainError {
    /// The wrong side is `forbidden` (403), bad input `validation_failed` (400), anything else
    /// `invalid_transition` (409); the message is [`LadderError::message_zh`].
    fn from(e: LadderError) -> Self {
        use crate::error::ErrorCode;
        let code = match &e {
            LadderError::WrongActor => ErrorCode::Forbidden,
            LadderError::InterviewDetailMissing(_) => ErrorCode::DocumentIncomplete,
            e if e.is_validation() => ErrorCode::ValidationFailed,
            _ => ErrorCode::InvalidTransition,
        };
        crate::error::DomainError::with_message(code, e.message_zh())
    }
}

/// What a transition changed, for the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from: Phase,
    pub to: Phase,
    pub action: Action,
    pub legal_basis: &'static str,
}

/// The ladder state of one hazard. Stored with the hazard; changed only by [`Case::apply`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Case {
    pub phase: Phase,
    /// The running rectification deadline (UTC), set by an order or a rung.
    pub deadline: Option<DateTime<Utc>>,
    /// Ladder rungs taken, in order.
    pub rungs: Vec<Rung>,
    /// When listed supervision began.
    pub listed_at: Option<DateTime<Utc>>,
    /// The unit may not receive comprehensive honours before this instant (S10 Art 29).
    pub honours_bar_until: Option<DateTime<Utc>>,
    /// Whether the case has ever been overdue.
    pub was_overdue: bool,
    pub extension: Option<ExtensionRequest>,
    pub fine: Option<FineDecision>,
}

impl Default for Case {
    fn default() -> Self {
        Case::new()
    }
}

/// `t` plus calendar months, saturating at the largest representable time (never panics).
fn months_after(t: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    t.checked_add_months(Months::new(months))
        .or_else(|| t.checked_add_signed(Duration::days(30 * months as i64)))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// How far back an "especially severe event" may lie (S10 Art 29 bars honours for a year from it).
pub const MAX_SEVERE_EVENT_AGE_DAYS: i64 = 3 * 365;

fn later(a: Option<DateTime<Utc>>, b: DateTime<Utc>) -> Option<DateTime<Utc>> {
    Some(a.map_or(b, |a| a.max(b)))
}

impl Case {
    /// A newly detected hazard.
    pub fn new() -> Case {
        Case {
            phase: Phase::Detected,
            deadline: None,
            rungs: Vec::new(),
            listed_at: None,
            honours_bar_until: None,
            was_overdue: false,
            extension: None,
            fine: None,
        }
    }

    /// The rungs that may be taken next under `order`: those after the last one taken.
    pub fn next_rungs(&self, order: &[Rung]) -> Vec<Rung> {
        let start = match self.rungs.last() {
            Some(last) => match order.iter().position(|r| r == last) {
                Some(i) => i + 1,
                None => order.len(),
            },
            None => 0,
        };
        order
            .iter()
            .skip(start)
            .copied()
            .filter(|r| !self.rungs.contains(r))
            .collect()
    }

    /// Applies `action` by `actor` at `now` under the bureau's ladder `order`. On success the
    /// case is changed and the transition to record is returned; on error the case is unchanged.
    ///
    /// Errors: [`LadderError`] for a wrong actor, phase, deadline, rung order or amount.
    pub fn apply(
        &mut self,
        actor: Actor,
        action: Action,
        now: DateTime<Utc>,
        order: &[Rung],
    ) -> Result<Transition, LadderError> {
        if actor != action.actor() {
            return Err(LadderError::WrongActor);
        }
        let from = self.phase;
        let wrong = || LadderError::WrongPhase {
            phase: from,
            action: action.code(),
        };
        let mut next = self.clone();
        match &action {
            Action::IssueOrder { deadline } => {
                if from != Phase::Detected {
                    return Err(wrong());
                }
                if *deadline <= now {
                    return Err(LadderError::DeadlineNotInFuture);
                }
                next.phase = Phase::Rectifying;
                next.deadline = Some(*deadline);
            }
            Action::FixOnSpot | Action::Dismiss => {
                if from != Phase::Detected {
                    return Err(wrong());
                }
                next.phase = Phase::Closed;
            }
            Action::SubmitRectification => {
                if !matches!(from, Phase::Rectifying | Phase::Overdue) {
                    return Err(wrong());
                }
                next.phase = Phase::RecheckPending;
                next.extension = None;
            }
            Action::Recheck { passed } => {
                if from != Phase::RecheckPending {
                    return Err(wrong());
                }
                if *passed {
                    next.phase = Phase::Closed;
                } else if self.deadline.is_some_and(|d| d > now) {
                    next.phase = Phase::Rectifying;
                } else {
                    next.become_overdue();
                }
            }
            Action::RequestExtension { until } => {
                if from != Phase::Rectifying {
                    return Err(wrong());
                }
                let deadline = self.deadline.ok_or_else(wrong)?;
                if deadline <= now {
                    return Err(LadderError::Extension("整改期限已届满，不能再申请延期"));
                }
                if self.extension.is_some() {
                    return Err(LadderError::Extension("已有待审批的延期申请"));
                }
                if *until <= deadline {
                    return Err(LadderError::Extension("延期后的期限须晚于现有整改期限"));
                }
                if *until > deadline + Duration::days(MAX_EXTENSION_DAYS) {
                    return Err(LadderError::Extension("单次延期不超过90日"));
                }
                next.extension = Some(ExtensionRequest {
                    until: *until,
                    requested_at: now,
                });
            }
            Action::DecideExtension { approve } => {
                if !matches!(from, Phase::Rectifying | Phase::Overdue) {
                    return Err(wrong());
                }
                let Some(request) = self.extension.clone() else {
                    return Err(LadderError::Extension("没有待审批的延期申请"));
                };
                next.extension = None;
                if *approve {
                    if request.until <= now {
                        return Err(LadderError::Extension("申请延至的期限已过，不能批准"));
                    }
                    next.deadline = Some(request.until);
                    next.phase = Phase::Rectifying;
                }
            }
            Action::MarkOverdue => {
                if from != Phase::Rectifying {
                    return Err(wrong());
                }
                if self.deadline.is_none_or(|d| d > now) {
                    return Err(LadderError::DeadlineNotPassed);
                }
                next.become_overdue();
            }
            Action::Escalate {
                rung,
                deadline,
                severe_event_at,
                interview_at,
                interview_place,
            } => {
                if from != Phase::Overdue {
                    return Err(wrong());
                }
                if !self.next_rungs(order).contains(rung) {
                    return Err(LadderError::RungOutOfOrder { rung: *rung });
                }
                if *deadline <= now {
                    return Err(LadderError::DeadlineNotInFuture);
                }
                let place = interview_place.as_deref().map(str::trim).unwrap_or("");
                if *rung == Rung::Interview {
                    let Some(at) = interview_at else {
                        return Err(LadderError::InterviewDetailMissing("约谈时间"));
                    };
                    if place.is_empty() {
                        return Err(LadderError::InterviewDetailMissing("约谈地点"));
                    }
                    if *at <= now || at > deadline {
                        return Err(LadderError::InterviewTime);
                    }
                } else if interview_at.is_some() || !place.is_empty() {
                    return Err(LadderError::InterviewNotInterview);
                }
                if severe_event_at.is_some() && *rung != Rung::ListedSupervision {
                    return Err(LadderError::SevereEventNotListed);
                }
                if let Some(event) = severe_event_at {
                    if *event > now || now.signed_duration_since(*event) > Duration::days(MAX_SEVERE_EVENT_AGE_DAYS) {
                        return Err(LadderError::SevereEventDate);
                    }
                }
                next.rungs.push(*rung);
                next.phase = Phase::Rectifying;
                next.deadline = Some(*deadline);
                next.extension = None;
                if *rung == Rung::ListedSupervision {
                    next.listed_at = Some(now);
                    // S10 Art 29: 6 months from the listing; 1 year from an especially severe event.
                    next.honours_bar_until = later(next.honours_bar_until, months_after(now, 6));
                    if let Some(event) = severe_event_at {
                        next.honours_bar_until = later(next.honours_bar_until, months_after(*event, 12));
                    }
                }
            }
            Action::DecideFine { fine } => {
                if from != Phase::Overdue {
                    return Err(if from.has_deadline() || from == Phase::Detected {
                        LadderError::FineNotAllowed
                    } else {
                        wrong()
                    });
                }
                check_fine(fine)?;
                next.phase = Phase::FineDecided;
                next.fine = Some(fine.clone());
                next.extension = None;
            }
            Action::TransferCriminal => {
                if from != Phase::FineDecided {
                    return Err(wrong());
                }
                next.phase = Phase::CriminalTransfer;
            }
        }
        let legal_basis = action.legal_basis();
        let to = next.phase;
        *self = next;
        Ok(Transition {
            from,
            to,
            action,
            legal_basis,
        })
    }

    fn become_overdue(&mut self) {
        self.phase = Phase::Overdue;
        self.was_overdue = true;
        // S10 Art 29: a missed listed-supervision deadline bars honours for 1 year from it.
        if self.rungs.last() == Some(&Rung::ListedSupervision) {
            if let Some(d) = self.deadline {
                self.honours_bar_until = later(self.honours_bar_until, months_after(d, 12));
            }
        }
    }
}

/// Checks a fine's amounts against Decree 421 Art 19, and that each fined person's name is a
/// name (not empty, at most 50 characters, no control characters, no ID number, mobile number
/// or plate in it).
pub fn check_fine(fine: &FineDecision) -> Result<(), LadderError> {
    let (min, max) = UNIT_FINE_RANGE_YUAN;
    if !(min..=max).contains(&fine.unit_amount_yuan) {
        return Err(LadderError::AmountOutOfRange {
            what: "单位".into(),
            min,
            max,
        });
    }
    let (min, max) = PERSON_FINE_RANGE_YUAN;
    for p in &fine.persons {
        if p.name.trim().is_empty() || p.name.chars().count() > 50 || !crate::text::text_is_clean(&p.name) {
            return Err(LadderError::Extension("责任人姓名不能为空且不超过50字"));
        }
        // A number typed into a name would be shown unmasked (docs/SECURITY.md, free text).
        if !crate::privacy::find_personal_data(&p.name).is_empty() {
            return Err(LadderError::Extension(
                "责任人姓名栏只填姓名，不要填写身份证号、手机号或车牌号",
            ));
        }
        if !(min..=max).contains(&p.amount_yuan) {
            return Err(LadderError::AmountOutOfRange {
                what: format!("责任人{}", p.name.trim()),
                min,
                max,
            });
        }
    }
    if fine.persons.len() > 20 {
        return Err(LadderError::Extension("责任人不超过20人"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
